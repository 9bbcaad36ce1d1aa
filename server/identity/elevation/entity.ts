import { randomUUID } from 'node:crypto';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { GRANTABLE_ROLES } from '../grants/entity.ts';

/** Where a request stands. `pending` past `lapsesAt` reads as `lapsed`: the clock decides. */
export const ELEVATION_STATUSES = ['pending', 'approved', 'rejected', 'lapsed'] as const;
export type ElevationStatus = (typeof ELEVATION_STATUSES)[number];

/**
 * An elevation request (migration ElevationRequests, issue 18): a back-office person asks for a
 * role for `durationMinutes`, with a reason; a superadmin other than them approves (creating the
 * role grant `grantId`, until approval time + duration) or rejects it before `lapsesAt`.
 */
export const ElevationRequest = defineEntity({
  name: 'ElevationRequest',
  tableName: 'elevation_request',
  versionProperty: 'version',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    requesterId: p.uuid(),
    role: p.enum([...GRANTABLE_ROLES]),
    scope: p.array<string>().columnType('uuid[]').default([]),
    durationMinutes: p.integer(),
    reason: p.text(),
    status: p.enum([...ELEVATION_STATUSES]).default('pending'),
    createdAt: p.datetime().onCreate(() => new Date()),
    lapsesAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
    decidedById: p.uuid().nullable(),
    decisionReason: p.text().nullable(),
    grantId: p.uuid().nullable(),
    version: p.integer().version(),
  },
});
export type ElevationRequest = InferEntity<typeof ElevationRequest>;

/** The status a request has at `now`: an undecided one past its lapse time has lapsed. */
export function statusAt(
  request: Pick<ElevationRequest, 'status' | 'lapsesAt'>,
  now: Date,
): ElevationStatus {
  return request.status === 'pending' && request.lapsesAt <= now ? 'lapsed' : request.status;
}
