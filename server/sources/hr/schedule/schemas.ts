import { z } from 'zod';
import { paging, paragraph, uuid } from '../../../shared/schemas.ts';

/** Kinds of scheduled change. */
export const SCHEDULED_KINDS = ['activate', 'deactivate'] as const;
/** Which changes a list shows: live (pending), fired, cancelled, or all. */
export const SCHEDULED_STATES = ['live', 'fired', 'cancelled', 'all'] as const;

/** A calendar date, YYYY-MM-DD, that exists (no 2031-02-30). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  }, 'must be a real calendar date');

/** GET /scheduled-changes. */
export function listScheduledQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      state: z.enum(SCHEDULED_STATES).default('live'),
      userId: uuid.optional(),
      kind: z.enum(SCHEDULED_KINDS).optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListScheduledQuery = z.infer<ReturnType<typeof listScheduledQuery>>;

/** POST /scheduled-changes: a leaver scheduled by hand (HR data is not touched). */
export const createScheduledBody = z
  .object({
    userId: uuid,
    kind: z.literal('deactivate'),
    date: calendarDate,
    reason: paragraph(1000).optional(),
  })
  .strict();
export type CreateScheduledBody = z.infer<typeof createScheduledBody>;

/** A scheduled change as the API shows it. */
export const scheduledChangeView = z.object({
  id: uuid,
  userId: uuid,
  userLabel: z.string(),
  kind: z.enum(SCHEDULED_KINDS),
  /** The calendar date HR (or staff) gave. */
  effectiveDate: z.string(),
  /** The instant it means in the company's time zone. */
  effectiveAt: z.string(),
  /** 'hr-import', 'scim' or 'manual'. */
  sourceId: z.string(),
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdById: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  firedAt: z.string().nullable(),
  outcome: z.enum(['applied', 'skipped']).nullable(),
  outcomeReason: z.string().nullable(),
});
export type ScheduledChangeView = z.infer<typeof scheduledChangeView>;
