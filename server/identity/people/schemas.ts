import { z } from 'zod';
import { ACTOR_KINDS } from '../../audit/actorKind.ts';
import { USER_STATUSES } from '../../directory/entities.ts';
import { listOf, paragraph, planNote, uuid } from '../../shared/schemas.ts';
import { DOORS } from '../lifecycle/doors.ts';
import { BULK_MAX } from './bulkStatus.ts';

const requiredReason = paragraph(1000).pipe(z.string().min(1, 'must not be empty'));

/** `POST /users/:id/suspend`: a reason is mandatory. */
export const suspendBody = z.object({ reason: requiredReason }).strict();

/** `POST /users/:id/enrollment-link`: the reason is required for a person with credentials. */
export const enrollmentLinkBody = z.object({ reason: paragraph(1000).optional() }).strict();

/**
 * `POST /users/:id/password-reset`: the reason is optional here only so that its absence is the
 * command's 422 `reason_required` (after authorization, so a denied attempt is audited first).
 */
export const passwordResetBody = z
  .object({ reason: paragraph(1000).optional(), locale: z.enum(['ru', 'en']).optional() })
  .strict();

const bulkIds = z
  .array(uuid)
  .min(1, 'must name at least one person')
  .max(BULK_MAX, `at most ${BULK_MAX} people per request`);

/** `POST /users/bulk/deactivate` and `/suspend`: people and a mandatory reason. */
export const bulkCutOffBody = z.object({ ids: bulkIds, reason: requiredReason }).strict();

/** `POST /users/bulk/activate`. */
export const bulkActivateBody = z
  .object({ ids: bulkIds, reason: paragraph(1000).optional() })
  .strict();

const status = z.enum(USER_STATUSES);

/** The answer of a bulk request: who changed, who was left and why (a stable code). */
export const bulkStatusResult = z.object({
  changed: z.array(z.object({ id: uuid, label: z.string(), from: status, to: status })),
  skipped: z.array(
    z.object({ id: uuid, label: z.string().nullable(), code: z.string(), message: z.string() }),
  ),
});

/** `GET /users/:id/status-history`. */
export const statusHistory = listOf(
  z.object({
    at: z.iso.datetime(),
    from: status,
    to: status,
    door: z.enum(DOORS),
    sourceId: z.string().nullable(),
    actorId: z.string().nullable(),
    actorLabel: z.string(),
    actorName: z.string().nullable().describe("The acting person's current full name"),
    actorKind: z.enum(ACTOR_KINDS),
    reason: z.string().nullable(),
    reasonNotes: z
      .array(planNote)
      .nullable()
      .describe("The reason's phrases as codes with params (a source's), for the console's words"),
  }),
);
