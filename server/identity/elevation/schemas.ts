import { z } from 'zod';
import { paging, paragraph, uuid } from '../../shared/schemas.ts';
import { GRANTABLE_ROLES } from '../grants/entity.ts';
import { scopeOrganization } from '../grants/schemas.ts';
import { ELEVATION_STATUSES } from './entity.ts';

/** The hard bounds of a duration; the configured maximum (`elevation.maxDurationMinutes`) is checked by the command. */
const MIN_MINUTES = 5;
const MAX_MINUTES = 7 * 24 * 60;

/** Body of `POST /elevation-requests`: a role, where it reaches, for how long, and why. */
export const elevationRequestBody = z
  .object({
    role: z.enum(GRANTABLE_ROLES),
    /** Organizations whose subtrees the role would reach; empty or absent: the whole company. */
    scope: z.array(uuid).max(100).default([]),
    /** Minutes the role lasts from the approval (at most `elevation.maxDurationMinutes`). */
    durationMinutes: z.number().int().min(MIN_MINUTES).max(MAX_MINUTES),
    reason: paragraph(1000).optional(),
  })
  .strict();
export type ElevationRequestBody = z.infer<typeof elevationRequestBody>;

/** Body of `POST /elevation-requests/:id/approve` (the reason is optional) and `/reject`. */
export const decisionBody = z.object({ reason: paragraph(1000).optional() }).strict();

/** `GET /elevation-requests`: filters and paging. */
export function listElevationRequestsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      status: z.enum(ELEVATION_STATUSES).optional(),
      /** Only the caller's own requests. */
      mine: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListElevationRequestsQuery = z.infer<ReturnType<typeof listElevationRequestsQuery>>;

/** A person named in a request. */
const personRef = z.object({ id: uuid, displayName: z.string() });

/** An elevation request as the API shows it. */
export const elevationRequestView = z.object({
  id: uuid,
  requester: personRef,
  role: z.enum(GRANTABLE_ROLES),
  scope: z.array(scopeOrganization),
  durationMinutes: z.number().int(),
  reason: z.string(),
  /** At the time of the answer: an undecided request past `lapsesAt` is `lapsed`. */
  status: z.enum(ELEVATION_STATUSES),
  createdAt: z.string(),
  lapsesAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: personRef.nullable(),
  decisionReason: z.string().nullable(),
  grantId: uuid.nullable(),
  /** When the approved role ends (approval time + duration); null until approved. */
  grantExpiresAt: z.string().nullable(),
});
export type ElevationRequestView = z.infer<typeof elevationRequestView>;

/** One time-bound role the caller holds now (`GET /me/elevation`). */
export const activeElevationView = z.object({
  grantId: uuid,
  role: z.enum(GRANTABLE_ROLES),
  scope: z.array(scopeOrganization),
  expiresAt: z.string(),
});

/** `GET /me/elevation`: the caller's time-bound roles in force, soonest to end first. */
export const myElevationView = z.object({ data: z.array(activeElevationView) });
export type MyElevationView = z.infer<typeof myElevationView>;
