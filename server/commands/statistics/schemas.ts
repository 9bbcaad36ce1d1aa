import { z } from 'zod';

/** `GET /statistics` query: how many whole weeks back the series reach (this one included). */
export const statisticsQuery = z
  .object({ weeks: z.coerce.number().int().min(1).max(52).default(12) })
  .strict();
/** The parsed query. */
export type StatisticsQuery = z.infer<typeof statisticsQuery>;

const count = z.number().int();
const day = z.iso.date().describe('A calendar day in the company time zone');
const week = z.iso.date().describe('The Monday of an ISO week in the company time zone');

/** People of each status at the end of one day. */
const statusPoint = z.object({
  day,
  pending: count,
  active: count,
  suspended: count,
  deactivated: count,
});

/** The people sections: for those who may read people. */
const peopleStatistics = z.object({
  byStatus: z.array(statusPoint),
  joinersLeavers: z.array(z.object({ week, joined: count, left: count })),
  enrolment: z.array(z.object({ week, invited: count, registered: count, secondFactor: count })),
  secondFactor: z.object({ enrolled: count, active: count }),
  registration: z.object({ invited: count, registered: count, held: count, revoked: count }),
});

/** `GET /statistics`: sync runs and deliveries are null for those who may not read them. */
export const statisticsView = z.object({
  timeZone: z.string(),
  from: day,
  to: day,
  people: peopleStatistics,
  syncRuns: z
    .array(z.object({ week, succeeded: count, failed: count, cancelled: count, other: count }))
    .nullable(),
  deliveries: z
    .object({ deadNow: count, failedPerWeek: z.array(z.object({ week, dead: count })) })
    .nullable(),
});
/** The dashboard's statistics. */
export type StatisticsView = z.infer<typeof statisticsView>;
/** The people sections. */
export type PeopleStatistics = z.infer<typeof peopleStatistics>;
