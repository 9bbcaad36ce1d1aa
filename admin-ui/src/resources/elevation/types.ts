import type { ApiResponses } from '../../api/generated/openapi';
import type { Role } from '../../api/types';

/** Where an elevation request stands (an undecided one past its time reads `lapsed`). */
export const ELEVATION_STATUSES = ['pending', 'approved', 'rejected', 'lapsed'] as const;
export type ElevationStatus = (typeof ELEVATION_STATUSES)[number];

/** Roles one may ask for: superadmins are made from the command line only. */
export const ELEVATION_ROLES = ['staff', 'admin', 'auditor'] as const satisfies readonly Role[];

/** Durations offered, in minutes; the server refuses more than `elevation.maxDurationMinutes`. */
export const ELEVATION_DURATIONS = [30, 60, 120, 240, 480] as const;

/** An elevation request as `GET /api/v1/elevation-requests` answers it. */
export type ElevationRequestRecord = ApiResponses['getElevationRequest'];

/** An organization of a request's scope, named. */
export type ScopeOrganization = ElevationRequestRecord['scope'][number];

/** A time-bound role the signed-in person holds now (`GET /api/v1/me/elevation`). */
export type ActiveElevation = ApiResponses['getMyElevation']['data'][number];
