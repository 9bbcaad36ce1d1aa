import type PgBoss from 'pg-boss';
import { systemActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { enqueueMail } from '../../mail/enqueue.ts';
import type { Services } from '../../shared/services.ts';

/** The pg-boss queue of the reviewers' reminders. */
export const REVIEW_REMINDER_QUEUE = 'review-reminders';
/** At most one reminder per reviewer in this long, whatever the number of campaigns. */
const EVERY_MS = 86_400_000;

/**
 * One pass of the reminders, as the system: every active reviewer with an e-mail and undecided
 * items of open campaigns, not reminded in the last day, gets one mail (how many items, the
 * nearest due date). The day is claimed in `review_reminder` by one upsert, so two processes
 * never mail the same reviewer twice. One `review.reminders_sent` event per pass that mailed.
 */
export async function remindReviewers(services: Services): Promise<number> {
  return runCommand(services, systemActor('reviews'), async ({ em, audit }) => {
    const now = services.now();
    const rows = await em.execute<
      { id: string; email: string; name: string; n: number; due: string }[]
    >(
      `with owed as (
         select i.reviewer_id, count(*)::int as n, min(c.due_at) as due
           from review_item i join review_campaign c on c.id = i.campaign_id
          where c.status = 'open' and i.decision is null
          group by i.reviewer_id),
       eligible as (
         select o.* from owed o join app_user r on r.id = o.reviewer_id
          where r.status = 'active' and r.email is not null),
       claimed as (
         insert into review_reminder (reviewer_id, sent_at)
         select reviewer_id, ?::timestamptz from eligible
         on conflict (reviewer_id) do update set sent_at = excluded.sent_at
          where review_reminder.sent_at <= ?::timestamptz
         returning reviewer_id)
       select r.id, r.email, r.display_name as name, e.n,
              to_char(e.due at time zone 'UTC', 'DD.MM.YYYY') as due
         from claimed c join eligible e on e.reviewer_id = c.reviewer_id
         join app_user r on r.id = c.reviewer_id order by r.id`,
      [now, new Date(now.getTime() - EVERY_MS)],
    );
    if (rows.length === 0) return 0;
    await enqueueMail(
      em,
      services.config,
      rows.map((row) => ({
        to: row.email,
        template: 'reviewReminder',
        locale: 'ru',
        userId: row.id,
        params: { name: row.name, count: row.n, dueAt: row.due },
      })),
    );
    audit({
      action: 'review.reminders_sent',
      targetType: 'ReviewCampaign',
      details: { reviewers: rows.length, items: rows.reduce((sum, row) => sum + row.n, 0) },
    });
    return rows.length;
  });
}

/** Schedules the reminders hourly on the service's pg-boss (each reviewer still once a day). */
export async function startReviewReminderJob(
  services: Services,
  boss: PgBoss,
  ensureQueue: (services: Services, boss: PgBoss, name: string) => Promise<void>,
): Promise<void> {
  await ensureQueue(services, boss, REVIEW_REMINDER_QUEUE);
  await boss.schedule(REVIEW_REMINDER_QUEUE, '17 * * * *', {});
  await boss.work(REVIEW_REMINDER_QUEUE, async () => {
    const reminded = await remindReviewers(services);
    if (reminded > 0) services.logger.info({ reminded }, 'access review reminders');
  });
}
