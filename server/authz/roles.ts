/** Back-office roles, lowest to highest. `null` is a plain messenger user. */
export const ROLES = ['staff', 'admin', 'auditor', 'superadmin'] as const;
export type Role = (typeof ROLES)[number];

/** Rank of a back-office role: superadmin 3 > admin 2 = auditor 2 > staff 1 > plain user 0. */
export function rankOf(role: Role | null): number {
  switch (role) {
    case 'superadmin':
      return 3;
    case 'admin':
    case 'auditor':
      return 2;
    case 'staff':
      return 1;
    default:
      return 0;
  }
}
