import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import type { DeliveryView } from '../../server/core/deliveries.ts';
import { emitMany } from '../../server/outbox/emit.ts';
import { conflict } from '../../server/shared/errors.ts';
import { ApiClient } from '../support/api.ts';
import { createDeviceSession, createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { emitNow, numbered } from './outboxReceiver.ts';

type SignedIn = Awaited<ReturnType<typeof signedIn>>;
let context: TestContext;
let superadmin: SignedIn;
let admin: SignedIn;
let staff: SignedIn;
let auditor: SignedIn;

beforeAll(async () => {
  context = await startTestContext();
  // Two connectors: every event is written once for each, and each delivers independently.
  await registerConnectors(context.services, [
    { name: 'hook', kind: 'webhook' },
    { name: 'second', kind: 'webhook' },
  ]);
  superadmin = await signedIn(context, 'superadmin');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  auditor = await signedIn(context, 'auditor');
});
afterAll(async () => {
  await context.close();
});

interface Row {
  id: string;
  connector: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
}
async function eventsOf(key: string, connector = 'hook'): Promise<Row[]> {
  const { rows } = await context.services.pool.query<Row>(
    'select id::text, connector, key, type, payload from outbox_event where key = $1 and connector = $2 order by outbox_event.id',
    [key, connector],
  );
  return rows;
}
async function auditOf(action: string, targetId: string) {
  const { rows } = await context.services.pool.query<{ outcome: string; actor_id: string }>(
    'select outcome, actor_id from audit_event where action = $1 and target_id = $2 order by seq',
    [action, targetId],
  );
  return rows;
}
async function makeDead(key: string): Promise<string> {
  await emitNow(context.services, [numbered(key, 1), numbered(key, 2)]);
  const [row] = await eventsOf(key);
  await context.services.pool.query(
    "update outbox_event set dead_at = now(), attempts = 10, last_error = 'HTTP 500' where id = $1",
    [row?.id],
  );
  return row?.id ?? '';
}

describe('writing to the outbox', () => {
  it('writes the event in the command transaction, one row per connector', async () => {
    const created = await admin.api.post<{ id: string }>('/api/v1/users', {
      familyName: 'Петров',
      givenName: 'Пётр',
      username: `petrov${Date.now()}`,
      status: 'active',
    });
    expect(created.status).toBe(201);
    const rows = await eventsOf(created.body.id);
    expect(rows.map((r) => r.type)).toEqual(['person.upserted']);
    expect(rows[0]?.payload).toMatchObject({
      key: created.body.id,
      person: { userId: created.body.id, familyName: 'Петров', organization: null },
    });
    expect(await eventsOf(created.body.id, 'second')).toHaveLength(1);
  });

  it('writes nothing when the command fails after emitting (rolled back)', async () => {
    const key = `rollback-${randomUUID()}`;
    await expect(
      runCommand(context.services, systemActor(), async ({ emit }) => {
        emit(numbered(key, 1));
        throw conflict('version_conflict', 'fails after the emit');
      }),
    ).rejects.toThrow('fails after the emit');
    expect(await eventsOf(key)).toEqual([]);
  });

  it('writes many events in one statement, in order, only for the connectors asked', async () => {
    const key = `bulk-${randomUUID()}`;
    const events = Array.from({ length: 500 }, (_, n) => numbered(key, n));
    const written = await context.services.orm.em
      .fork()
      .transactional((em) => emitMany(em, events, { connectors: ['second'] }));
    expect(written).toBe(500);
    expect(await eventsOf(key)).toEqual([]);
    const rows = await eventsOf(key, 'second');
    expect(rows.map((r) => r.payload.name)).toEqual(events.map((e) => e.name));
  });

  it('records deactivation, session revocation, 2FA reset and reactivation in order', async () => {
    const person = await createPerson(context.services);
    await createDeviceSession(context.services, person);
    const path = `/api/v1/users/${person.id}`;
    expect((await admin.api.post(`${path}/sessions/revoke-all`, { reason: 'lost' })).status).toBe(
      200,
    );
    expect((await admin.api.post(`${path}/2fa/reset`, { reason: 'new phone' })).status).toBe(200);
    expect((await admin.api.post(`${path}/deactivate`, { reason: 'left' })).status).toBe(200);
    expect((await admin.api.post(`${path}/activate`, { reason: 'back' })).status).toBe(200);
    const rows = await eventsOf(person.id);
    expect(rows.map((r) => r.type)).toEqual([
      'sessions.revoked',
      'sessions.revoked',
      'second_factor.reset',
      'person.deactivated',
      'person.reactivated',
    ]);
    expect(rows[3]?.payload).toMatchObject({
      username: person.username,
      coreAccount: person.username,
      reason: 'left',
    });
  });

  it('records space changes and membership under the space key', async () => {
    const member = await createPerson(context.services);
    const space = await superadmin.api.post<{ id: string }>('/api/v1/spaces', {
      name: `Space ${randomUUID()}`,
    });
    expect(space.status).toBe(201);
    const spacePath = `/api/v1/spaces/${space.body.id}`;
    const added = await admin.api.post(`${spacePath}/members`, { userIds: [member.id] });
    expect(added.status).toBe(200);
    expect((await admin.api.request('DELETE', `${spacePath}/members/${member.id}`)).status).toBe(
      204,
    );
    const rows = await eventsOf(space.body.id);
    expect(rows.map((r) => r.type)).toEqual([
      'space.upserted',
      'space.members_changed',
      'space.members_changed',
    ]);
    expect(rows[1]?.payload).toMatchObject({
      added: [{ userId: member.id, username: member.username, coreAccount: member.username }],
      removed: [],
    });
  });
});

describe('GET /core/deliveries and /summary', () => {
  it('401 without a session; 403 for staff (audited as denied)', async () => {
    const anonymous = new ApiClient(context.baseUrl);
    expect((await anonymous.get('/api/v1/core/deliveries')).status).toBe(401);
    expect((await staff.api.get('/api/v1/core/deliveries')).status).toBe(403);
    expect((await staff.api.get('/api/v1/core/deliveries/summary')).status).toBe(403);
    const { rows } = await context.services.pool.query(
      "select 1 from audit_event where action = 'core.deliveries_listed' and outcome = 'denied' and actor_id = $1",
      [staff.user.id],
    );
    expect(rows.length).toBeGreaterThan(0);
  });

  it('lists by status, connector and key for admins and auditors, audited', async () => {
    const key = `list-${randomUUID()}`;
    await makeDead(key);
    for (const who of [admin, auditor, superadmin]) {
      const dead = await who.api.get<{ data: DeliveryView[]; total: number }>(
        `/api/v1/core/deliveries?status=dead&connector=hook&key=${key}`,
      );
      expect(dead.status).toBe(200);
      expect(dead.body.total).toBe(1);
      expect(dead.body.data[0]).toMatchObject({ key, status: 'dead', lastError: 'HTTP 500' });
      const pending = await who.api.get<{ data: DeliveryView[] }>(
        `/api/v1/core/deliveries?key=${key}&connector=hook`,
      );
      expect(pending.body.data.map((d) => d.payload.name)).toEqual([`${key}-2`]);
    }
    const { rows } = await context.services.pool.query(
      "select 1 from audit_event where action = 'core.deliveries_listed' and outcome = 'success' and actor_id = $1",
      [auditor.user.id],
    );
    expect(rows.length).toBe(2);
    const summary = await auditor.api.get<{ data: { connector: string; dead: number }[] }>(
      '/api/v1/core/deliveries/summary',
    );
    expect(summary.status).toBe(200);
    expect(summary.body.data.find((c) => c.connector === 'hook')?.dead).toBeGreaterThan(0);
    const bad = await admin.api.get('/api/v1/core/deliveries?status=lost');
    expect(bad.status).toBe(400);
  });
});

describe('POST /core/deliveries/:id/retry and /skip', () => {
  it('401, 403 (staff, auditor: audited as denied), 404, 409 for a live event', async () => {
    const id = await makeDead(`guard-${randomUUID()}`);
    const anonymous = new ApiClient(context.baseUrl);
    expect((await anonymous.post(`/api/v1/core/deliveries/${id}/retry`, {})).status).toBe(401);
    expect((await staff.api.post(`/api/v1/core/deliveries/${id}/retry`)).status).toBe(403);
    expect((await auditor.api.post(`/api/v1/core/deliveries/${id}/retry`)).status).toBe(403);
    const denied = await auditOf('core.delivery_retried', id);
    expect(denied.map((e) => e.outcome)).toEqual(['denied', 'denied']);
    expect((await admin.api.post('/api/v1/core/deliveries/999999999/retry')).status).toBe(404);
    const key = `live-${randomUUID()}`;
    await emitNow(context.services, [numbered(key, 1)]);
    const [pending] = await eventsOf(key);
    const refused = await admin.api.post<{ code: string }>(
      `/api/v1/core/deliveries/${pending?.id}/retry`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('not_dead');
  });

  it('retry makes a dead event pending again with fresh attempts, audited', async () => {
    const id = await makeDead(`retry-${randomUUID()}`);
    const retried = await admin.api.post<DeliveryView>(`/api/v1/core/deliveries/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, status: 'pending', attempts: 0, deadAt: null });
    const events = await auditOf('core.delivery_retried', id);
    expect(events).toEqual([{ outcome: 'success', actor_id: admin.user.id }]);
  });

  it('skip gives up on a dead event so the key moves on, audited', async () => {
    const id = await makeDead(`skip-${randomUUID()}`);
    const skipped = await superadmin.api.post<DeliveryView>(`/api/v1/core/deliveries/${id}/skip`);
    expect(skipped.status).toBe(200);
    expect(skipped.body.status).toBe('skipped');
    expect(await auditOf('core.delivery_skipped', id)).toHaveLength(1);
  });
});
