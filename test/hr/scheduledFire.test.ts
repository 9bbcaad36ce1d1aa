import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealStagedEvents } from '../../server/audit/seal.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { fireDueChanges } from '../../server/sources/hr/schedule/fire.ts';
import { rescheduleFromDates } from '../../server/sources/hr/schedule/reschedule.ts';
import { startSyncScheduler } from '../../server/sources/scheduler.ts';
import { createDeviceSession, createPerson, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { SCHEDULER_JOB_MS, SCHEDULER_TEST_MS, waitUntil } from '../support/timeouts.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  await registerConnectors(context.services, [{ name: 'hook', kind: 'webhook' }]);
});

afterAll(async () => {
  context.setNow(undefined);
  await context.close();
});

const db = () => context.services.pool;

/** Writes HR dates and schedules from them, as an HR channel does (Moscow, UTC+3). */
async function hrDates(
  userIds: string[],
  dates: { hire?: string; termination?: string },
  now: Date,
): Promise<void> {
  await db().query(
    'update app_user set hire_date = $2, termination_date = $3 where id = any($1::uuid[])',
    [userIds, dates.hire ?? null, dates.termination ?? null],
  );
  await context.services.orm.em.fork().transactional((em) =>
    rescheduleFromDates(em, {
      userIds,
      sourceId: 'hr-import',
      actorLabel: 'source:hr-import',
      actorId: null,
      now,
      timeZone: 'Europe/Moscow',
    }),
  );
}

async function person(id: string) {
  const { rows } = await db().query(
    `select status, status_source, status_reason, status_changed_at from app_user where id = $1`,
    [id],
  );
  return rows[0];
}

async function changeOf(userId: string) {
  const { rows } = await db().query(
    `select kind, fired_at, outcome, outcome_reason from scheduled_change
      where user_id = $1 order by created_at`,
    [userId],
  );
  return rows;
}

async function auditOf(userId: string) {
  const { rows } = await db().query<{ action: string; actor_label: string; outcome: string }>(
    `select action, actor_label, outcome, reason, details from audit_event
      where target_id = $1 order by seq`,
    [userId],
  );
  return rows;
}

describe('firing scheduled changes', () => {
  it('never deactivates the last active superadmin', async () => {
    const only = await createPerson(context.services, { role: 'superadmin' });
    await db().query(
      `update app_user set status = 'deactivated' where role = 'superadmin' and id <> $1`,
      [only.id],
    );
    await hrDates([only.id], { termination: '2031-01-10' }, new Date('2031-01-01T00:00:00Z'));
    context.setNow(new Date('2031-01-11T00:00:00Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 0, skipped: 1 });
    expect((await person(only.id)).status).toBe('active');
    expect(await changeOf(only.id)).toEqual([
      expect.objectContaining({
        outcome: 'skipped',
        outcome_reason: 'the last active superadmin is never deactivated',
      }),
    ]);
  });

  it('deactivates a leaver at the end of their termination day in Moscow, not a second before', async () => {
    context.setNow(new Date('2031-03-15T06:00:00Z'));
    const leaver = await createPerson(context.services);
    const api = await signIn(context, leaver);
    const device = await createDeviceSession(context.services, leaver);
    await hrDates([leaver.id], { termination: '2031-03-15' }, new Date('2031-03-15T06:00:00Z'));

    // 23:59:59 in Moscow: still their last day.
    context.setNow(new Date('2031-03-15T20:59:59Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 0, skipped: 0 });
    expect((await person(leaver.id)).status).toBe('active');

    // 00:00:01 the next day: gone.
    context.setNow(new Date('2031-03-15T21:00:01Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 1, skipped: 0 });
    expect(await person(leaver.id)).toMatchObject({
      status: 'deactivated',
      status_source: 'hr-import',
      status_reason: 'termination date 2031-03-15',
      status_changed_at: new Date('2031-03-15T21:00:01Z'),
    });
    expect(await changeOf(leaver.id)).toEqual([
      expect.objectContaining({ kind: 'deactivate', outcome: 'applied', outcome_reason: null }),
    ]);
    const sessions = await db().query(
      `select (select revoked_at from device_session where id = $1) as device,
              (select count(*)::int from backoffice_session where user_id = $2 and revoked_at is null) as open`,
      [device.sessionId, leaver.id],
    );
    expect(sessions.rows[0].device).not.toBeNull();
    expect(sessions.rows[0].open).toBe(0);
    expect((await api.get('/api/v1/me')).status).toBe(401);
    const outbox = await db().query(
      `select type, payload from outbox_event where key = $1 order by id`,
      [leaver.id],
    );
    expect(outbox.rows.map((row) => row.type)).toEqual(['person.deactivated']);
    expect(outbox.rows[0].payload).toMatchObject({
      username: leaver.username,
      reason: 'termination date 2031-03-15',
    });
    const audit = await auditOf(leaver.id);
    expect(audit.map((row) => [row.action, row.actor_label, row.outcome])).toEqual([
      ['user.deactivated', 'schedule', 'success'],
      ['scheduled_change.fired', 'schedule', 'success'],
    ]);

    // A second sweep finds nothing.
    expect(await fireDueChanges(context.services)).toEqual({ fired: 0, skipped: 0 });
  });

  it('activates a pending new hire on their first day and skips one no longer pending', async () => {
    const hire = await createPerson(context.services, { status: 'pending' });
    const early = await createPerson(context.services, { status: 'pending' });
    await hrDates([hire.id, early.id], { hire: '2031-09-01' }, new Date('2031-08-01T00:00:00Z'));
    // Activated by hand meanwhile: the scheduled activation has nothing left to do.
    await db().query(`update app_user set status = 'active' where id = $1`, [early.id]);
    context.setNow(new Date('2031-08-31T21:00:00Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 1, skipped: 1 });
    expect(await person(hire.id)).toMatchObject({
      status: 'active',
      status_reason: 'hire date 2031-09-01',
    });
    expect((await auditOf(hire.id)).map((row) => row.action)).toEqual([
      'user.activated',
      'scheduled_change.fired',
    ]);
    expect(await changeOf(early.id)).toEqual([
      expect.objectContaining({ outcome: 'skipped', outcome_reason: 'no longer pending (active)' }),
    ]);
    const outbox = await db().query(`select type from outbox_event where key = $1`, [hire.id]);
    expect(outbox.rows.map((row) => row.type)).toEqual(['person.reactivated']);
  });

  it('skips a person deactivated by hand before the day', async () => {
    const leaver = await createPerson(context.services);
    await hrDates([leaver.id], { termination: '2031-10-01' }, new Date('2031-09-01T00:00:00Z'));
    await db().query(`update app_user set status = 'deactivated' where id = $1`, [leaver.id]);
    context.setNow(new Date('2031-10-02T00:00:00Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 0, skipped: 1 });
    expect(await changeOf(leaver.id)).toEqual([
      expect.objectContaining({ outcome: 'skipped', outcome_reason: 'already deactivated' }),
    ]);
  });

  it('credits a deactivation scheduled by hand to whoever scheduled it, with their reason', async () => {
    const staff = await createPerson(context.services, { role: 'staff' });
    const leaver = await createPerson(context.services);
    await db().query(
      `insert into scheduled_change (id, user_id, kind, effective_date, effective_at, source_id,
         reason, created_by, created_by_id)
       values (gen_random_uuid(), $1, 'deactivate', '2031-11-01', '2031-11-01T21:00:00Z', 'manual',
         'contract ends', $2, $3)`,
      [leaver.id, staff.username, staff.id],
    );
    context.setNow(new Date('2031-11-01T21:00:00Z'));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 1, skipped: 0 });
    const { rows } = await db().query(
      'select status, status_source, status_reason, status_changed_by_id from app_user where id = $1',
      [leaver.id],
    );
    expect(rows[0]).toEqual({
      status: 'deactivated',
      status_source: 'manual',
      status_reason: 'scheduled for 2031-11-01: contract ends',
      status_changed_by_id: staff.id,
    });
  });

  it('fires every due change exactly once across concurrent sweeps and several batches', async () => {
    const { rows } = await db().query<{ id: string }>(
      `insert into app_user (id, username, family_name, given_name, display_name, status)
       select gen_random_uuid(), 'bulk' || n, 'Булкин', 'Иван', 'Иван Булкин ' || n, 'active'
         from generate_series(1, 1100) n
       returning id`,
    );
    const ids = rows.map((row) => row.id);
    await hrDates(ids, { termination: '2032-01-10' }, new Date('2032-01-01T00:00:00Z'));
    context.setNow(new Date('2032-01-11T00:00:00Z'));
    const results = await Promise.all([
      fireDueChanges(context.services),
      fireDueChanges(context.services),
    ]);
    expect(results.reduce((sum, r) => sum + r.fired, 0)).toBe(1100);
    // Two sweeps committed at once: the one that found the chain busy left its events staged.
    await sealStagedEvents(context.services.pool);
    const counts = await db().query(
      `select (select count(*)::int from app_user where id = any($1::uuid[]) and status = 'deactivated') as gone,
              (select count(*)::int from audit_event where action = 'scheduled_change.fired'
                 and target_id = any($2::text[])) as fired`,
      [ids, ids],
    );
    expect(counts.rows[0]).toEqual({ gone: 1100, fired: 1100 });
  });

  it('fires through the real pg-boss job, which also runs once at startup', {
    timeout: SCHEDULER_TEST_MS,
  }, async () => {
    const leaver = await createPerson(context.services);
    await hrDates([leaver.id], { termination: '2032-02-01' }, new Date('2032-01-20T00:00:00Z'));
    // The service was "down" when the day ended: the startup run catches up.
    context.setNow(new Date('2032-02-03T00:00:00Z'));
    const scheduler = await startSyncScheduler(context.services);
    try {
      const schedules = await scheduler.boss.getSchedules();
      expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([
        'scheduled-changes-fire',
        '* * * * *',
      ]);
      await waitUntil(
        'the startup run of the pg-boss job',
        SCHEDULER_JOB_MS,
        async () => (await person(leaver.id)).status === 'deactivated',
      );
      expect((await person(leaver.id)).status).toBe('deactivated');
    } finally {
      await scheduler.stop();
    }
  });
});
