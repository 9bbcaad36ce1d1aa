import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueChanges } from '../../server/sources/hr/schedule/fire.ts';
import { rescheduleFromDates } from '../../server/sources/hr/schedule/reschedule.ts';
import { moveToCompanyTimeZone } from '../../server/sources/hr/schedule/timeZoneMove.ts';
import { startSyncScheduler } from '../../server/sources/scheduler.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

// A company that moves its time zone (or corrects it) in the configuration: the changes already
// scheduled were computed in the old zone, and must fire at their dates' midnight in the new one.
let context: TestContext;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false }, hr: { timeZone: 'Europe/Moscow' } });
});

afterAll(async () => {
  context.setNow(undefined);
  await context.close();
});

const db = () => context.services.pool;
const WRITTEN_AT = new Date('2031-05-01T00:00:00Z');

async function hrDates(userId: string, dates: { hire?: string; termination?: string }) {
  await db().query('update app_user set hire_date = $2, termination_date = $3 where id = $1', [
    userId,
    dates.hire ?? null,
    dates.termination ?? null,
  ]);
  await context.services.orm.em.fork().transactional((em) =>
    rescheduleFromDates(em, {
      userIds: [userId],
      sourceId: 'hr-import',
      actorLabel: 'source:hr-import',
      actorId: null,
      now: WRITTEN_AT,
      timeZone: context.services.config.hr.timeZone,
    }),
  );
}

async function instantOf(userId: string): Promise<string> {
  const { rows } = await db().query<{ effective_at: Date }>(
    `select effective_at from scheduled_change
      where user_id = $1 and cancelled_at is null and fired_at is null`,
    [userId],
  );
  return rows[0]?.effective_at.toISOString() ?? 'none';
}

describe('moving scheduled changes to a new company time zone', () => {
  it('moves a leaver and a starter to their midnights in the new zone, audited, and then nothing', async () => {
    context.setNow(WRITTEN_AT);
    const leaver = await createPerson(context.services);
    const starter = await createPerson(context.services, { status: 'pending' });
    const fired = await createPerson(context.services);
    await hrDates(leaver.id, { termination: '2031-06-30' });
    await hrDates(starter.id, { hire: '2031-07-01' });
    await hrDates(fired.id, { termination: '2031-05-10' });
    // Moscow (UTC+3): the end of 30 June and the start of 1 July are both 21:00 UTC on the 30th.
    expect(await instantOf(leaver.id)).toBe('2031-06-30T21:00:00.000Z');
    expect(await instantOf(starter.id)).toBe('2031-06-30T21:00:00.000Z');
    context.setNow(new Date('2031-05-11T00:00:00Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 1, skipped: 0 });

    context.services.config.hr.timeZone = 'Asia/Yekaterinburg';
    expect(await moveToCompanyTimeZone(context.services)).toBe(2);
    // Yekaterinburg (UTC+5): two hours earlier.
    expect(await instantOf(leaver.id)).toBe('2031-06-30T19:00:00.000Z');
    expect(await instantOf(starter.id)).toBe('2031-06-30T19:00:00.000Z');
    const { rows } = await db().query(
      `select target_id, actor_label, reason, details from audit_event
        where action = 'scheduled_change.updated' order by seq`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.target_id === leaver.id)).toMatchObject({
      actor_label: 'schedule',
      reason: "the company's time zone is Asia/Yekaterinburg",
      details: {
        kind: 'deactivate',
        effectiveDate: '2031-06-30',
        effectiveAt: '2031-06-30T19:00:00.000Z',
        timeZone: 'Asia/Yekaterinburg',
        previous: { effectiveAt: '2031-06-30T21:00:00.000Z' },
      },
    });

    // Nothing differs any more; a change already fired stays as it fired.
    expect(await moveToCompanyTimeZone(context.services)).toBe(0);
    const { rows: done } = await db().query(
      `select effective_at from scheduled_change where user_id = $1`,
      [fired.id],
    );
    expect(done[0]?.effective_at.toISOString()).toBe('2031-05-10T21:00:00.000Z');

    // At 19:00 UTC on 30 June the leaver's last day has ended in Yekaterinburg.
    context.setNow(new Date('2031-06-30T19:00:00Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 2, skipped: 0 });
  });

  it('moves them when the jobs start, before anything fires', async () => {
    context.setNow(WRITTEN_AT);
    const leaver = await createPerson(context.services);
    await hrDates(leaver.id, { termination: '2031-08-31' });
    expect(await instantOf(leaver.id)).toBe('2031-08-31T19:00:00.000Z');
    // The configuration goes back to Moscow; the service restarts with its jobs on.
    context.services.config.hr.timeZone = 'Europe/Moscow';
    const scheduler = await startSyncScheduler(context.services);
    try {
      expect(await instantOf(leaver.id)).toBe('2031-08-31T21:00:00.000Z');
    } finally {
      await scheduler.stop();
    }
  });
});
