import type { Role } from '../../api/types';

/** Where an elevation request stands (an undecided one past its time reads `lapsed`). */
export const ELEVATION_STATUSES = ['pending', 'approved', 'rejected', 'lapsed'] as const;
export type ElevationStatus = (typeof ELEVATION_STATUSES)[number];

/** Roles one may ask for: superadmins are made from the command line only. */
export const ELEVATION_ROLES = ['staff', 'admin', 'auditor'] as const satisfies readonly Role[];

/** Durations offered, in minutes; the server refuses more than `elevation.maxDurationMinutes`. */
export const ELEVATION_DURATIONS = [30, 60, 120, 240, 480] as const;

/** An organization of a request's scope, named. */
export interface ScopeOrganization {
  id: string;
  name: string;
}

/** An elevation request as `GET /api/v1/elevation-requests` answers it. */
export interface ElevationRequestRecord {
  id: string;
  requester: { id: string; displayName: string };
  role: Role;
  scope: ScopeOrganization[];
  durationMinutes: number;
  reason: string;
  status: ElevationStatus;
  createdAt: string;
  lapsesAt: string;
  decidedAt: string | null;
  decidedBy: { id: string; displayName: string } | null;
  decisionReason: string | null;
  grantId: string | null;
  grantExpiresAt: string | null;
}

/** A time-bound role the signed-in person holds now (`GET /api/v1/me/elevation`). */
export interface ActiveElevation {
  grantId: string;
  role: Role;
  scope: ScopeOrganization[];
  expiresAt: string;
}
