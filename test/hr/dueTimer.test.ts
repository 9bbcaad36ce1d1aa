import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { type DueTimer, startDueTimer } from '../../server/sources/hr/schedule/dueTimer.ts';
import { createDeviceSession, createPerson, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { DUE_TIMER_FIRE_MS, NEVER_POLL_MS, waitUntil } from '../support/timeouts.ts';

// The due timer alone fires changes at their instant: no pg-boss, so no minute sweep, and a
// longest sleep of an hour, so only a write's notification (or a reconnection) can wake it in
// time. Real time throughout: the timer sleeps on the real clock.
let context: TestContext;
let timer: DueTimer | null = null;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  context.setNow(undefined);
  // A connector to tell, so that the core's part of the cut shows in the outbox.
  await registerConnectors(context.services, [{ name: 'hook', kind: 'webhook' }]);
});

afterEach(async () => {
  await timer?.stop();
  timer = null;
});

afterAll(async () => {
  await context.close();
});

const db = () => context.services.pool;

const start = async () => {
  timer = await startDueTimer(context.services, { maxSleepMs: NEVER_POLL_MS, retryMs: 1_000 });
};

/** Schedules a deactivation as an HR channel would, `inMs` after the database's clock. */
async function scheduleLeaving(userId: string, inMs: number): Promise<string> {
  const { rows } = await db().query<{ id: string }>(
    `insert into scheduled_change (id, user_id, kind, effective_date, effective_at, source_id,
       created_by)
     values (gen_random_uuid(), $1, 'deactivate', current_date,
       clock_timestamp() + $2 * interval '1 millisecond', 'hr-import', 'source:hr-import')
     returning id`,
    [userId, inMs],
  );
  return rows[0]?.id as string;
}

async function statusOf(userId: string): Promise<string> {
  const { rows } = await db().query<{ status: string }>(
    'select status from app_user where id = $1',
    [userId],
  );
  return rows[0]?.status as string;
}

async function changeOf(id: string) {
  const { rows } = await db().query<{
    effective_at: Date;
    fired_at: Date | null;
    outcome: string | null;
  }>('select effective_at, fired_at, outcome from scheduled_change where id = $1', [id]);
  return rows[0];
}

describe('the due timer', () => {
  it('cuts a leaver at the instant their change falls due, with no sweep running, never before', async () => {
    await start();
    await waitUntil('the timer asleep', DUE_TIMER_FIRE_MS, () => timer?.nextLook() != null);
    const leaver = await createPerson(context.services);
    const api = await signIn(context, leaver);
    const device = await createDeviceSession(context.services, leaver);
    const change = await scheduleLeaving(leaver.id, 1_500);

    await waitUntil('the leaver deactivated', DUE_TIMER_FIRE_MS, async () => {
      return (await statusOf(leaver.id)) === 'deactivated';
    });
    const fired = await changeOf(change);
    expect(fired?.outcome).toBe('applied');
    expect(fired?.fired_at?.getTime()).toBeGreaterThanOrEqual(fired?.effective_at.getTime() ?? 0);
    const { rows } = await db().query(
      `select (select revoked_at from device_session where id = $1) as device,
              (select count(*)::int from backoffice_session
                where user_id = $2 and revoked_at is null) as open,
              (select array_agg(type order by id) from outbox_event where key = $2::text) as told`,
      [device.sessionId, leaver.id],
    );
    expect(rows[0].device).not.toBeNull();
    expect(rows[0].open).toBe(0);
    expect(rows[0].told).toEqual(['person.deactivated']);
    expect((await api.get('/api/v1/me')).status).toBe(401);
  });

  it('follows a change moved earlier, and leaves a cancelled one alone', async () => {
    await start();
    const moved = await createPerson(context.services);
    const cancelled = await createPerson(context.services);
    const movedChange = await scheduleLeaving(moved.id, 3_600_000);
    // Asleep until the change an hour ahead (a pass in progress would see any write anyway).
    await waitUntil('the timer asleep for the hour', DUE_TIMER_FIRE_MS, () => {
      const next = timer?.nextLook();
      return next != null && next.getTime() > Date.now() + 1_800_000;
    });
    const cancelledChange = await scheduleLeaving(cancelled.id, 1_000);
    await db().query(
      `update scheduled_change set cancelled_at = now(), cancelled_by = 'test' where id = $1`,
      [cancelledChange],
    );
    // Moved from an hour ahead to a second ahead: the timer, asleep for the hour, must wake.
    await db().query(
      `update scheduled_change set effective_at = clock_timestamp() + interval '1 second'
        where id = $1`,
      [movedChange],
    );

    await waitUntil('the moved change fired', DUE_TIMER_FIRE_MS, async () => {
      return (await statusOf(moved.id)) === 'deactivated';
    });
    expect(await statusOf(cancelled.id)).toBe('active');
    expect((await changeOf(cancelledChange))?.fired_at).toBeNull();
  });

  it('fires what fell due while its connection was cut, once it has listened again', async () => {
    await start();
    await waitUntil('the timer asleep', DUE_TIMER_FIRE_MS, () => timer?.nextLook() != null);
    const admin = new pg.Client(context.databaseUrl);
    await admin.connect();
    try {
      const cut = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query = 'listen scheduled_change'`,
      );
      expect(cut.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    // Written while the listener is gone: its notification reaches nobody.
    const leaver = await createPerson(context.services);
    await scheduleLeaving(leaver.id, 0);

    await waitUntil('the change fired after the reconnection', DUE_TIMER_FIRE_MS, async () => {
      return (await statusOf(leaver.id)) === 'deactivated';
    });
  });

  it('stops: a change falling due afterwards waits for the next start', async () => {
    await start();
    await timer?.stop();
    timer = null;
    const leaver = await createPerson(context.services);
    const change = await scheduleLeaving(leaver.id, 0);
    // Nothing runs that could fire it; a new timer does at once.
    expect((await changeOf(change))?.fired_at).toBeNull();
    await start();
    await waitUntil('the change fired by the new timer', DUE_TIMER_FIRE_MS, async () => {
      return (await statusOf(leaver.id)) === 'deactivated';
    });
  });
});
