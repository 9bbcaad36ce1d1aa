import type { Role, UserStatus } from './types';

/*
 * The access views' shapes (issue 18), as server/identity/access/schemas.ts defines them.
 */

/** Why a person is in a space (`space_member.via`). */
export type MembershipVia = 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
/** Why a person is in their organization. */
export type OrganizationVia = 'manual' | 'directory' | 'hr' | 'scim' | 'import';

/** The company views, as `/access/:view` names them. */
export const ACCESS_VIEWS = [
  'dormant',
  'orphaned',
  'no-second-factor',
  'unused-backoffice',
] as const;
export type AccessViewName = (typeof ACCESS_VIEWS)[number];

/** One row of a company view. */
export interface AccessRow {
  id: string;
  userId: string;
  fullName: string;
  username: string | null;
  email: string | null;
  status: UserStatus;
  organizationName: string | null;
  roles: Role[];
  loginMethod: string;
  lastLoginAt: string | null;
  lastBackofficeAt: string | null;
  idleSince: string | null;
  idleDays: number | null;
  owners: string[];
  goneFrom: { sourceId: string; reason: 'source_removed' | 'deactivation_not_applied' }[];
}

/** `GET /users/:id/access`. */
export interface PersonAccess {
  userId: string;
  fullName: string;
  status: UserStatus;
  owners: string[];
  organization: {
    id: string;
    name: string;
    path: string[];
    via: OrganizationVia;
    viaSourceId: string | null;
  } | null;
  spaces: {
    spaceId: string;
    name: string;
    organizationName: string | null;
    via: MembershipVia;
    viaSourceId: string | null;
    addedAt: string;
    addedById: string | null;
    addedByName: string | null;
  }[];
  spacesTotal: number;
  rights: {
    role: Role;
    grantId: string | null;
    scope: { id: string; name: string }[];
    expiresAt: string | null;
    grantedAt: string | null;
    reason: string | null;
  }[];
}
