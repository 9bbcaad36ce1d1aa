import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { dayOf, type Point, TZ } from './support.ts';

interface Statistics {
  timeZone: string;
  from: string;
  to: string;
  people: {
    byStatus: Point[];
    joinersLeavers: { week: string; joined: number; left: number }[];
    enrolment: { week: string; invited: number; registered: number; secondFactor: number }[];
    secondFactor: { enrolled: number; active: number };
    registration: { invited: number; registered: number; held: number; revoked: number };
  };
  syncRuns: { week: string; succeeded: number; failed: number; other: number }[] | null;
  deliveries: { deadNow: number; failedPerWeek: { week: string; dead: number }[] } | null;
}
type Client = Awaited<ReturnType<typeof signedIn>>;

const DAY = 86_400_000;
let context: TestContext;
let db: pg.Client;
let admin: Client;
let staff: Client;
let auditor: Client;

/** The Monday of the week of a YYYY-MM-DD day. */
function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

beforeAll(async () => {
  context = await startTestContext();
  // The database administrator's connection: history is backdated here (test setup only).
  db = new pg.Client(context.databaseUrl);
  await db.connect();
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  auditor = await signedIn(context, 'auditor');
});
afterAll(async () => {
  await db?.end();
  await context?.close();
});

describe('GET /statistics', () => {
  it('needs a session; staff get the people sections only, auditors everything', async () => {
    expect((await new ApiClient(context.baseUrl).get('/api/v1/statistics')).status).toBe(401);
    const forStaff = await staff.api.get<Statistics>('/api/v1/statistics');
    expect(forStaff.status).toBe(200);
    expect(forStaff.body.people.byStatus.length).toBeGreaterThan(0);
    expect(forStaff.body.syncRuns).toBeNull();
    expect(forStaff.body.deliveries).toBeNull();
    const forAuditor = await auditor.api.get<Statistics>('/api/v1/statistics?weeks=4');
    expect(forAuditor.body.syncRuns).toHaveLength(4);
    expect(forAuditor.body.deliveries?.failedPerWeek).toHaveLength(4);
    expect((await staff.api.get('/api/v1/statistics?weeks=0')).status).toBe(400);
    expect((await staff.api.get('/api/v1/statistics?weeks=many')).status).toBe(400);
  });

  it('derives people by status over time, joiners and leavers from the history', async () => {
    const now = Date.now();
    // A joiner of 20 days ago, deactivated (through the API) and the change backdated to 9 days
    // ago; a person suspended today; a pending person added 3 days ago.
    const leaver = await createPerson(context.services);
    const suspended = await createPerson(context.services);
    const pending = await createPerson(context.services, { status: 'pending' });
    const cut = await admin.api.post(`/api/v1/users/${leaver.id}/deactivate`, {
      reason: 'Уволен',
    });
    expect(cut.status, cut.text).toBe(200);
    const paused = await admin.api.post(`/api/v1/users/${suspended.id}/suspend`, {
      reason: 'Отпуск',
    });
    expect(paused.status, paused.text).toBe(200);
    const joined = new Date(now - 20 * DAY);
    const left = new Date(now - 9 * DAY);
    await db.query('update app_user set created_at = $2 where id = $1', [leaver.id, joined]);
    await db.query('update user_status_change set changed_at = $2 where user_id = $1', [
      leaver.id,
      left,
    ]);
    await db.query('update app_user set created_at = $2 where id = $1', [
      pending.id,
      new Date(now - 3 * DAY),
    ]);

    const response = await auditor.api.get<Statistics>('/api/v1/statistics?weeks=6');
    expect(response.status).toBe(200);
    const stats = response.body;
    expect(stats.timeZone).toBe(TZ);
    expect(stats.to).toBe(dayOf(new Date(now)));
    const series = new Map(stats.people.byStatus.map((p) => [p.day, p]));
    expect(stats.people.byStatus).toHaveLength(series.size);
    expect(stats.people.byStatus[0]?.day).toBe(stats.from);

    // Today's point equals the table as it is.
    const { rows } = await db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from app_user group by status',
    );
    const today = series.get(stats.to);
    for (const { status, n } of rows) expect(today?.[status as keyof Point], status).toBe(n);
    expect(today).toMatchObject({ deactivated: 1, suspended: 1, pending: 1 });

    // Before the leaver left they were active; before they joined they were not counted.
    const before = series.get(dayOf(new Date(now - 12 * DAY)));
    const after = series.get(dayOf(new Date(now - 8 * DAY)));
    const earlier = series.get(dayOf(new Date(now - 25 * DAY)));
    expect(before?.deactivated).toBe(0);
    expect(after?.deactivated).toBe(1);
    expect((before?.active ?? 0) - (earlier?.active ?? 0)).toBe(1);
    // The suspension happened today: yesterday nobody was suspended, the pending person was.
    const yesterday = series.get(dayOf(new Date(now - DAY)));
    expect(yesterday).toMatchObject({ suspended: 0, pending: 1 });

    const weeks = new Map(stats.people.joinersLeavers.map((w) => [w.week, w]));
    expect(weeks.get(mondayOf(dayOf(joined)))?.joined).toBeGreaterThanOrEqual(1);
    expect(weeks.get(mondayOf(dayOf(left)))?.left).toBe(1);
    expect(stats.people.joinersLeavers.reduce((sum, w) => sum + w.left, 0)).toBe(1);
  });

  it('counts sync runs by outcome, dead deliveries and second-factor enrolment per week', async () => {
    const now = new Date();
    await db.query(
      `insert into sync_run (id, source_id, mode, status, requested_by, started_at)
       values (gen_random_uuid(), 'corp', 'full', 'succeeded', 'test', $1),
              (gen_random_uuid(), 'corp', 'full', 'failed', 'test', $1),
              (gen_random_uuid(), 'corp', 'full', 'failed', 'test', $2)`,
      [now, new Date(now.getTime() - 14 * DAY)],
    );
    await db.query(
      `insert into outbox_event (connector, key, type, payload, dead_at)
       values ('webhook', 'k1', 'person.upserted', '{}', $1), ('webhook', 'k2', 'person.upserted', '{}', null)`,
      [now],
    );
    const person = await createPerson(context.services);
    await db.query(
      `insert into totp_factor (user_id, secret_encrypted, confirmed_at) values ($1, 'x', $2)`,
      [person.id, now],
    );
    const stats = (await auditor.api.get<Statistics>('/api/v1/statistics?weeks=4')).body;
    const thisWeek = mondayOf(dayOf(now));
    const twoWeeksAgo = mondayOf(dayOf(new Date(now.getTime() - 14 * DAY)));
    expect(stats.syncRuns?.find((w) => w.week === thisWeek)).toMatchObject({
      succeeded: 1,
      failed: 1,
    });
    expect(stats.syncRuns?.find((w) => w.week === twoWeeksAgo)?.failed).toBe(1);
    expect(stats.deliveries?.deadNow).toBe(1);
    expect(stats.deliveries?.failedPerWeek.find((w) => w.week === thisWeek)?.dead).toBe(1);
    expect(stats.people.enrolment.find((w) => w.week === thisWeek)?.secondFactor).toBe(1);
    expect(stats.people.secondFactor.enrolled).toBe(1);
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from app_user where status = 'active'`,
    );
    expect(stats.people.secondFactor.active).toBe(rows[0]?.n);
  });
});
