import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../server/audit/actions.ts';
import { appendAuditEvents } from '../../server/audit/append.ts';
import { type Actor, systemActor } from '../../server/authz/actor.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface EventBody {
  id: number;
  at: string;
  actor: { id: string | null; label: string; role: string | null };
  action: string;
  target: { type: string | null; id: string | null; label: string | null };
  outcome: string;
  reason: string | null;
  diff: unknown;
  details: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}
interface Page {
  data: EventBody[];
  total: number;
  totalIsEstimate: boolean;
  nextCursor: string | null;
}
type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let auditor: Client;
let admin: Client;
let staff: Client;
const ghostActor: Actor = {
  kind: 'user',
  userId: randomUUID(),
  label: 'ghost',
  role: 'admin',
  ip: '10.0.0.7',
  userAgent: 'curl/8',
  requestId: 'req-1',
};
const targetId = randomUUID();

/** Appends events directly to the chain (setup, not the API under test). */
async function seed(actor: Actor, events: AuditEventInput[], at: Date): Promise<void> {
  await context.services.orm.em
    .fork()
    .transactional((em) => appendAuditEvents(em, actor, events, at));
}

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  auditor = await signedIn(context, 'auditor');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  for (let day = 1; day <= 5; day += 1) {
    await seed(
      ghostActor,
      [
        {
          action: 'user.deactivated',
          targetType: 'User',
          targetId,
          targetLabel: 'ivanov',
          reason: `day ${day}`,
          diff: { before: { status: 'active' }, after: { status: 'deactivated' } },
        },
        { action: 'space.created', targetType: 'Space', targetId: randomUUID(), outcome: 'denied' },
      ],
      new Date(`2026-01-0${day}T10:00:00.000Z`),
    );
  }
});
afterAll(async () => {
  await context.close();
});

describe('GET /audit-events', () => {
  it('401 without a session; 403 for admin and staff, audited as denied', async () => {
    expect((await new ApiClient(context.baseUrl).get('/api/v1/audit-events')).status).toBe(401);
    for (const client of [admin, staff]) {
      expect((await client.api.get('/api/v1/audit-events')).status).toBe(403);
      const { rows } = await context.services.pool.query(
        `select outcome from audit_event where action = 'audit.listed' and actor_id = $1`,
        [client.user.id],
      );
      expect(rows).toEqual([{ outcome: 'denied' }]);
    }
  });

  it('presents events newest first, and records the read as audit.listed', async () => {
    const response = await auditor.api.get<Page>(
      `/api/v1/audit-events?actorId=${ghostActor.userId}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(10);
    expect(response.body.totalIsEstimate).toBe(false);
    const [newest] = response.body.data;
    expect(newest).toMatchObject({
      at: '2026-01-05T10:00:00.000Z',
      actor: { id: ghostActor.userId, label: 'ghost', role: 'admin' },
      ip: '10.0.0.7',
      userAgent: 'curl/8',
      requestId: 'req-1',
      outcome: 'denied',
      action: 'space.created',
    });
    const deactivation = response.body.data[1];
    expect(deactivation).toMatchObject({
      action: 'user.deactivated',
      target: { type: 'User', id: targetId, label: 'ivanov' },
      reason: 'day 5',
      diff: { before: { status: 'active' }, after: { status: 'deactivated' } },
    });
    expect(typeof deactivation?.id).toBe('number');
    const { rows } = await context.services.pool.query(
      `select details from audit_event where action = 'audit.listed' and actor_id = $1`,
      [auditor.user.id],
    );
    expect(rows.at(-1)?.details).toMatchObject({
      filters: { actorId: ghostActor.userId },
      returned: 10,
    });
  });

  it('filters by actor, action list, target, type, outcome and time range', async () => {
    const get = async (query: string) =>
      (await superadmin.api.get<Page>(`/api/v1/audit-events?${query}`)).body;
    const byTarget = await get(
      `targetId=${targetId}&from=2026-01-02T00:00:00Z&to=2026-01-04T10:00:00Z`,
    );
    expect(byTarget.data.map((e) => e.reason)).toEqual(['day 4', 'day 3', 'day 2']);
    const denied = await get(`actorId=${ghostActor.userId}&outcome=denied`);
    expect(denied.total).toBe(5);
    const actions = await get(
      `actorId=${ghostActor.userId}&action=${encodeURIComponent('user.deactivated, space.created')}`,
    );
    expect(actions.total).toBe(10);
    const one = await get(`action=user.deactivated&targetType=User&to=2026-01-01T23:59:59%2B03:00`);
    expect(one.data.map((e) => e.reason)).toEqual(['day 1']);
    const none = await get(`actorId=${randomUUID()}`);
    expect(none).toMatchObject({ data: [], total: 0, nextCursor: null });
  });

  it('pages by offset and by keyset cursor', async () => {
    const base = `/api/v1/audit-events?actorId=${ghostActor.userId}&limit=4`;
    const first = await auditor.api.get<Page>(base);
    expect(first.body.data).toHaveLength(4);
    expect(first.body.total).toBe(10);
    const seen = first.body.data.map((e) => e.id);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await auditor.api.get<Page>(`${base}&cursor=${cursor}`);
      seen.push(...next.body.data.map((e) => e.id));
      cursor = next.body.nextCursor;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    const offset = await auditor.api.get<Page>(`${base}&offset=8`);
    expect(offset.body.data.map((e) => e.id)).toEqual(seen.slice(8));
    expect(offset.body.total).toBe(10);
  });

  it('caps the count at 10,000 and says the total is an estimate', async () => {
    const many: AuditEventInput[] = Array.from({ length: 10_050 }, (_, i) => ({
      action: 'user.viewed',
      targetType: 'User',
      targetId: `bulk-${i}`,
    }));
    await seed(systemActor('bulk'), many, new Date('2025-06-01T00:00:00Z'));
    const response = await auditor.api.get<Page>(
      '/api/v1/audit-events?action=user.viewed&limit=10',
    );
    expect(response.body).toMatchObject({ total: 10_000, totalIsEstimate: true });
    expect(response.body.data).toHaveLength(10);
    const exact = await auditor.api.get<Page>(
      '/api/v1/audit-events?action=user.viewed&limit=10&to=2025-06-01T00:00:00Z&targetId=bulk-7',
    );
    expect(exact.body).toMatchObject({ total: 1, totalIsEstimate: false });
  });

  it('refuses bad filters with 400 problem+json', async () => {
    for (const query of [
      'from=yesterday',
      'to=2026-13-45T00:00:00Z',
      'from=2026-01-02',
      'from=2026-01-05T00:00:00Z&to=2026-01-01T00:00:00Z',
      'limit=1000000',
      'limit=abc',
      'actorId=not-a-uuid',
      'action=user.exploded',
      'action=',
      'outcome=maybe',
      'cursor=-1',
      'sort=at',
    ]) {
      const response = await auditor.api.get<{ code: string }>(`/api/v1/audit-events?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('GET /audit-events/:seq', () => {
  it('returns one event and records audit.viewed; 401, 403, 404, 400', async () => {
    const list = await superadmin.api.get<Page>(
      `/api/v1/audit-events?targetId=${targetId}&limit=1`,
    );
    const seq = list.body.data[0]?.id;
    const response = await superadmin.api.get<EventBody>(`/api/v1/audit-events/${seq}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(list.body.data[0]);
    const { rows } = await context.services.pool.query(
      `select outcome, target_id from audit_event where action = 'audit.viewed' and actor_id = $1`,
      [superadmin.user.id],
    );
    expect(rows).toEqual([{ outcome: 'success', target_id: String(seq) }]);
    expect((await new ApiClient(context.baseUrl).get(`/api/v1/audit-events/${seq}`)).status).toBe(
      401,
    );
    expect((await admin.api.get(`/api/v1/audit-events/${seq}`)).status).toBe(403);
    const denied = await context.services.pool.query(
      `select outcome from audit_event where action = 'audit.viewed' and actor_id = $1`,
      [admin.user.id],
    );
    expect(denied.rows).toEqual([{ outcome: 'denied' }]);
    expect((await auditor.api.get('/api/v1/audit-events/999999999')).status).toBe(404);
    expect((await auditor.api.get('/api/v1/audit-events/0')).status).toBe(400);
    expect((await auditor.api.get('/api/v1/audit-events/abc')).status).toBe(400);
  });
});
