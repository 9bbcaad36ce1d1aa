import { z } from 'zod';
import { userFilter } from '../../directory/users/userFilter.ts';
import { paragraph, uuid } from '../../shared/schemas.ts';

/** What a bulk job does to each person of the selection. */
export const BULK_VERBS = [
  'deactivate',
  'activate',
  'suspend',
  'invite',
  'move',
  'add_to_space',
  'remove_from_space',
] as const;
export type BulkVerb = (typeof BULK_VERBS)[number];

/** Where a bulk job stands. */
export const BULK_JOB_STATUSES = ['queued', 'running', 'cancelled', 'done', 'failed'] as const;
export type BulkJobStatus = (typeof BULK_JOB_STATUSES)[number];

/** One person's result: done, left with a code, or failed with a code. */
export const BULK_OUTCOMES = ['ok', 'skipped', 'failed'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

const reason = paragraph(1000).pipe(z.string().min(1, 'must not be empty'));

/**
 * `POST /bulk-jobs`: a verb, the people list's filter (the same schema as `GET /users`) and
 * what the verb needs. Deactivating and suspending need a reason.
 */
export const startBulkJobBody = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('deactivate'), filter: userFilter, reason }).strict(),
  z.object({ verb: z.literal('suspend'), filter: userFilter, reason }).strict(),
  z
    .object({ verb: z.literal('activate'), filter: userFilter, reason: paragraph(1000).optional() })
    .strict(),
  z
    .object({
      verb: z.literal('invite'),
      filter: userFilter,
      locale: z.enum(['ru', 'en']).default('ru'),
    })
    .strict(),
  z.object({ verb: z.literal('move'), filter: userFilter, organizationId: uuid }).strict(),
  z.object({ verb: z.literal('add_to_space'), filter: userFilter, spaceId: uuid }).strict(),
  z.object({ verb: z.literal('remove_from_space'), filter: userFilter, spaceId: uuid }).strict(),
]);
export type StartBulkJobInput = z.infer<typeof startBulkJobBody>;

/** What a job keeps besides its filter: the verb's parameters. */
export interface BulkJobParams {
  reason?: string | null;
  locale?: 'ru' | 'en';
  organizationId?: string;
  organizationName?: string;
  spaceId?: string;
  spaceName?: string;
}

/** A bulk job as the API returns it. */
export const bulkJobView = z.object({
  id: z.uuid(),
  verb: z.enum(BULK_VERBS),
  status: z.enum(BULK_JOB_STATUSES),
  requestedBy: z.object({ id: z.uuid(), label: z.string() }),
  filter: z.record(z.string(), z.unknown()),
  params: z.record(z.string(), z.unknown()),
  total: z.number().int(),
  processed: z.number().int(),
  ok: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  cancelRequested: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type BulkJobView = z.infer<typeof bulkJobView>;

/** `GET /bulk-jobs/:id/report`: the language of the CSV's headers and words. */
export const bulkReportQuery = z.object({ lang: z.enum(['ru', 'en']).default('ru') }).strict();
