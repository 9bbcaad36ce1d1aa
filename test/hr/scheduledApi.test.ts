import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/authz/roles.ts';
import type { ScheduledChangeView } from '../../server/sources/hr/schedule/schemas.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
let superadmin: ApiClient;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api: superadmin } = await signedIn(context, 'superadmin'));
});

afterAll(async () => {
  context.setNow(undefined);
  await context.close();
});

const FUTURE = '2099-06-30';
interface Problem {
  code: string;
  status: number;
}
type Page = { data: ScheduledChangeView[]; total: number };

async function scheduleFor(api: ApiClient, userId: string, date = FUTURE) {
  return api.post<ScheduledChangeView & Problem>('/api/v1/scheduled-changes', {
    userId,
    kind: 'deactivate',
    date,
    reason: 'leaves at the end of June',
  });
}

async function auditOf(actorId: string, action: string) {
  const { rows } = await context.services.pool.query(
    'select outcome from audit_event where actor_id = $1 and action = $2',
    [actorId, action],
  );
  return rows;
}

const routes: {
  name: string;
  method: string;
  path: () => Promise<string>;
  body?: () => Promise<unknown>;
  /** Every back-office role may read: a role that may not, if there is one. */
  denied?: Role;
  allowed: Role;
  status: number;
  action: string;
}[] = [
  {
    name: 'list scheduled changes',
    method: 'GET',
    path: async () => '/api/v1/scheduled-changes?state=all',
    allowed: 'auditor',
    status: 200,
    action: 'scheduled_change.listed',
  },
  {
    name: 'schedule a leaver',
    method: 'POST',
    path: async () => '/api/v1/scheduled-changes',
    body: async () => ({
      userId: (await createPerson(context.services)).id,
      kind: 'deactivate',
      date: FUTURE,
    }),
    denied: 'auditor',
    allowed: 'staff',
    status: 201,
    action: 'scheduled_change.created',
  },
  {
    name: 'cancel a scheduled change',
    method: 'POST',
    path: async () => {
      const made = await scheduleFor(superadmin, (await createPerson(context.services)).id);
      return `/api/v1/scheduled-changes/${made.body.id}/cancel`;
    },
    denied: 'auditor',
    allowed: 'staff',
    status: 200,
    action: 'scheduled_change.cancelled',
  },
];

describe.each(routes)('$name', (route) => {
  it('401 without a session', async () => {
    const response = await new ApiClient(context.baseUrl).request(
      route.method,
      await route.path(),
      {
        body: await route.body?.(),
      },
    );
    expect(response.status).toBe(401);
  });

  const denied = route.denied;
  // Listing is open to every back-office role: no role of them gets a 403 there.
  if (denied)
    it(`403 for ${denied}, audited as denied`, async () => {
      const { user, api } = await signedIn(context, denied);
      const response = await api.request(route.method, await route.path(), {
        body: await route.body?.(),
      });
      expect(response.status).toBe(403);
      expect(await auditOf(user.id, route.action)).toEqual([{ outcome: 'denied' }]);
    });

  it(`${route.status} for ${route.allowed}`, async () => {
    const { user, api } = await signedIn(context, route.allowed);
    const response = await api.request(route.method, await route.path(), {
      body: await route.body?.(),
    });
    expect(response.status, response.text).toBe(route.status);
    if (route.method === 'POST')
      expect(await auditOf(user.id, route.action)).toEqual([{ outcome: 'success' }]);
  });
});

describe('scheduled changes through the API', () => {
  it('schedules by hand at the end of the day in the company zone, lists and cancels', async () => {
    const { user: staffUser, api: staff } = await signedIn(context, 'staff');
    const leaver = await createPerson(context.services);
    const made = await scheduleFor(staff, leaver.id);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      userId: leaver.id,
      userLabel: leaver.username,
      kind: 'deactivate',
      effectiveDate: FUTURE,
      effectiveAt: '2099-06-30T21:00:00.000Z',
      sourceId: 'manual',
      reason: 'leaves at the end of June',
      createdBy: staffUser.username,
      createdById: staffUser.id,
      cancelledAt: null,
      firedAt: null,
      outcome: null,
    });
    // HR data is not touched.
    const { rows } = await context.services.pool.query(
      'select termination_date from app_user where id = $1',
      [leaver.id],
    );
    expect(rows[0].termination_date).toBeNull();

    const again = await scheduleFor(staff, leaver.id, '2099-07-01');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_scheduled');

    const live = await staff.get<Page>(`/api/v1/scheduled-changes?userId=${leaver.id}`);
    expect(live.body).toEqual({ data: [made.body], total: 1 });
    const byKind = await staff.get<Page>(
      `/api/v1/scheduled-changes?userId=${leaver.id}&kind=activate`,
    );
    expect(byKind.body.total).toBe(0);

    const cancelled = await staff.post<ScheduledChangeView & Problem>(
      `/api/v1/scheduled-changes/${made.body.id}/cancel`,
      { reason: 'stays after all' },
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelledBy).toBe(staffUser.username);
    expect(cancelled.body.cancelledAt).not.toBeNull();
    const twice = await staff.post<Problem>(`/api/v1/scheduled-changes/${made.body.id}/cancel`);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('scheduled_change_not_live');

    const none = await staff.get<Page>(`/api/v1/scheduled-changes?userId=${leaver.id}`);
    expect(none.body.total).toBe(0);
    const history = await staff.get<Page>(
      `/api/v1/scheduled-changes?userId=${leaver.id}&state=cancelled`,
    );
    expect(history.body.data.map((c) => c.id)).toEqual([made.body.id]);
    const all = await staff.get<Page>(`/api/v1/scheduled-changes?userId=${leaver.id}&state=all`);
    expect(all.body.total).toBe(1);
  });

  it('orders live changes soonest first and pages them', async () => {
    const people = await Promise.all([1, 2, 3].map(() => createPerson(context.services)));
    const dates = ['2099-03-03', '2099-01-01', '2099-02-02'];
    for (const [i, p] of people.entries()) await scheduleFor(superadmin, p.id, dates[i]);
    const page = await superadmin.get<Page>('/api/v1/scheduled-changes?limit=2&offset=0');
    const dated = page.body.data.map((c) => c.effectiveDate);
    expect(dated).toEqual([...dated].sort());
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect(page.body.data).toHaveLength(2);
  });

  it('refuses staff scheduling or cancelling a higher-ranked person (403, audited)', async () => {
    const { user, api: staff } = await signedIn(context, 'staff');
    const { user: admin } = await signedIn(context, 'admin');
    const denied = await scheduleFor(staff, admin.id);
    expect(denied.status).toBe(403);
    const made = await scheduleFor(superadmin, admin.id);
    const cancel = await staff.post(`/api/v1/scheduled-changes/${made.body.id}/cancel`);
    expect(cancel.status).toBe(403);
    expect(await auditOf(user.id, 'scheduled_change.created')).toEqual([{ outcome: 'denied' }]);
    expect(await auditOf(user.id, 'scheduled_change.cancelled')).toEqual([{ outcome: 'denied' }]);
  });

  it('refuses a day already over, an unknown person and a deactivated one', async () => {
    // Two days ago is over in any zone; the sessions of this file live on the real clock.
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const person = await createPerson(context.services);
    const past = await scheduleFor(superadmin, person.id, day(-2));
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('date_in_past');
    const soon = await scheduleFor(superadmin, person.id, day(2));
    expect(soon.status).toBe(201);
    expect(soon.body.effectiveAt).toBe(new Date(`${day(3)}T00:00:00+03:00`).toISOString());
    const unknown = await scheduleFor(superadmin, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const gone = await createPerson(context.services, { status: 'deactivated' });
    const refused = await scheduleFor(superadmin, gone.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('already_deactivated');
    const missing = await superadmin.post<Problem>(
      '/api/v1/scheduled-changes/00000000-0000-4000-8000-000000000000/cancel',
    );
    expect(missing.status).toBe(404);
  });

  it('answers garbage with 4xx problem+json, never 500', async () => {
    const person = await createPerson(context.services);
    const bodies: unknown[] = [
      {},
      { userId: 'nope', kind: 'deactivate', date: FUTURE },
      { userId: person.id, kind: 'activate', date: FUTURE },
      { userId: person.id, kind: 'deactivate', date: '2099-02-30' },
      { userId: person.id, kind: 'deactivate', date: '30.06.2099' },
      { userId: person.id, kind: 'deactivate', date: 20990630 },
      { userId: person.id, kind: 'deactivate', date: FUTURE, reason: 'x'.repeat(1001) },
      { userId: person.id, kind: 'deactivate', date: FUTURE, extra: true },
      { userId: person.id, kind: 'deactivate', date: FUTURE, reason: 'a\u0000b' },
      [],
      'text',
      null,
    ];
    for (const body of bodies) {
      const response = await superadmin.post<Problem>('/api/v1/scheduled-changes', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const raw = await superadmin.request('POST', '/api/v1/scheduled-changes', {
      raw: '{oops',
      headers: { 'content-type': 'application/json' },
    });
    expect(raw.status).toBe(400);
    const queries = [
      'state=pending',
      'kind=fly',
      'userId=42',
      'limit=0',
      'limit=100000',
      'offset=-1',
      'unknown=1',
    ];
    for (const query of queries) {
      const response = await superadmin.get(`/api/v1/scheduled-changes?${query}`);
      expect(response.status, query).toBe(400);
    }
    const badId = await superadmin.post('/api/v1/scheduled-changes/not-a-uuid/cancel');
    expect(badId.status).toBe(400);
    const badCancel = await superadmin.post(
      '/api/v1/scheduled-changes/00000000-0000-4000-8000-000000000000/cancel',
      {
        reason: 5,
      },
    );
    expect(badCancel.status).toBe(400);
  });
});
