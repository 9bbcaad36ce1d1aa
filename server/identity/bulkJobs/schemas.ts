import { z } from 'zod';
import { userFilter } from '../../directory/users/userFilter.ts';
import { paging, paragraph, uuid } from '../../shared/schemas.ts';

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
const bulkJobParams = z.object({
  reason: z.string().nullable().optional(),
  locale: z.enum(['ru', 'en']).optional(),
  organizationId: z.string().optional(),
  organizationName: z.string().optional().describe('Moving people: the organization’s name'),
  spaceId: z.string().optional(),
  spaceName: z.string().optional().describe('Adding to or removing from a space: the space’s name'),
});
/** What a job keeps besides its filter: the verb's parameters. */
export type BulkJobParams = z.infer<typeof bulkJobParams>;

/** A bulk job as the API returns it. */
export const bulkJobView = z.object({
  id: z.uuid(),
  verb: z.enum(BULK_VERBS),
  status: z.enum(BULK_JOB_STATUSES),
  requestedBy: z.object({
    id: z.uuid(),
    label: z.string(),
    fullName: z.string().nullable().describe('«Фамилия Имя Отчество» of the requester, now'),
  }),
  filter: z.record(z.string(), z.unknown()),
  filterNames: z
    .object({
      organization: z.string().nullable(),
      space: z.string().nullable(),
      addedBy: z.string().nullable(),
    })
    .describe("The names of the filter's organization, space and adding person, now"),
  params: bulkJobParams,
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

/** `GET /bulk-jobs`: a page of the jobs the caller may see, newest first. */
export function listBulkJobsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      status: z.enum(BULK_JOB_STATUSES).optional(),
      verb: z.enum(BULK_VERBS).optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListBulkJobsQuery = z.infer<ReturnType<typeof listBulkJobsQuery>>;

/** `GET /bulk-jobs/:id/report`: the language of the CSV's headers and words. */
export const bulkReportQuery = z.object({ lang: z.enum(['ru', 'en']).default('ru') }).strict();
