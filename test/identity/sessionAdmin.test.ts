import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionList } from '../../server/identity/sessions/schemas.ts';
import { hashToken } from '../../server/shared/tokens.ts';
import { coreKey, createDeviceSession } from '../core/deviceSessions.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { backofficePerson } from './loginFlow.ts';
import { messengerLogIn, PHONE, startMessenger } from './messengerFlow.ts';

interface AuditRow {
  seq: string;
  action: string;
  outcome: string;
  actor_id: string | null;
  target_id: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}
type SignedIn = Awaited<ReturnType<typeof signedIn>>;

const key = coreKey('core-test');
let context: TestContext;
let anonymous: ApiClient;
let superadmin: SignedIn;
let admin: SignedIn;
let staff: SignedIn;
let auditor: SignedIn;

beforeAll(async () => {
  context = await startTestContext({
    core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] },
    // So that the messenger login (done-when test through the API) enrolls a second factor.
    identity: { requireSecondFactorForEveryone: true },
  });
  anonymous = new ApiClient(context.baseUrl);
  superadmin = await signedIn(context, 'superadmin');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  auditor = await signedIn(context, 'auditor');
});
afterAll(async () => {
  await context.close();
});

async function auditOf(action: string, targetId: string): Promise<AuditRow[]> {
  const { rows } = await context.services.pool.query<AuditRow>(
    'select * from audit_event where action = $1 and target_id = $2 order by seq',
    [action, targetId],
  );
  return rows;
}

async function active(token: string): Promise<boolean> {
  const response = await new ApiClient(context.baseUrl).request<{ active: boolean }>(
    'POST',
    '/api/v1/core/introspect',
    { body: { token }, headers: { authorization: `Bearer ${key.key}` } },
  );
  expect(response.status).toBe(200);
  return response.body.active;
}

/** A plain person with a TOTP factor, ten recovery codes and two devices. */
async function personWithDevices() {
  const user = await createPerson(context.services);
  await context.services.pool.query(
    `insert into totp_factor (user_id, secret_encrypted, confirmed_at) values ($1, 'x', now())`,
    [user.id],
  );
  for (let i = 0; i < 10; i++) {
    await context.services.pool.query(
      'insert into recovery_code (user_id, code_hash) values ($1, $2)',
      [user.id, hashToken(`${user.id}-${i}`)],
    );
  }
  const phone = await createDeviceSession(context.services, user.id, { deviceName: 'Phone' });
  const laptop = await createDeviceSession(context.services, user.id, {
    deviceName: 'Laptop',
    platform: 'macos',
  });
  return { user, phone, laptop };
}

async function factorsOf(userId: string): Promise<{ factors: number; codes: number }> {
  const { rows } = await context.services.pool.query<{ factors: number; codes: number }>(
    `select (select count(*)::int from totp_factor where user_id = $1) as factors,
            (select count(*)::int from recovery_code where user_id = $1) as codes`,
    [userId],
  );
  return rows[0] ?? { factors: -1, codes: -1 };
}

describe('GET /users/:id/sessions', () => {
  it('needs a session', async () => {
    const { user } = await personWithDevices();
    expect((await anonymous.get(`/api/v1/users/${user.id}/sessions`)).status).toBe(401);
  });

  it('lists device and back-office sessions for superadmin, admin and auditor; never tokens', async () => {
    const { user, phone } = await personWithDevices();
    for (const { api } of [superadmin, admin, auditor]) {
      const response = await api.get<SessionList>(`/api/v1/users/${user.id}/sessions`);
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(2);
      expect(response.body.data.map((s) => s.deviceName).sort()).toEqual(['Laptop', 'Phone']);
      expect(response.body.data[0]).toMatchObject({ kind: 'device', live: true, ip: '10.0.0.7' });
      expect(response.text).not.toContain(phone.token);
      expect(response.text).not.toMatch(/hash/i);
    }
    const own = await admin.api.get<SessionList>(`/api/v1/users/${staff.user.id}/sessions`);
    expect(own.status).toBe(200);
    expect(own.body.data.some((s) => s.kind === 'backoffice' && s.live)).toBe(true);
  });

  it('refuses staff, and admins on admins and superadmins; refusals are audited', async () => {
    const { user } = await personWithDevices();
    const cases: [SignedIn, string][] = [
      [staff, user.id],
      [admin, superadmin.user.id],
      [admin, auditor.user.id],
    ];
    for (const [actor, target] of cases) {
      const response = await actor.api.get<{ code: string }>(`/api/v1/users/${target}/sessions`);
      expect(response.status).toBe(403);
      const denied = (await auditOf('user.sessions_listed', target)).filter(
        (e) => e.actor_id === actor.user.id && e.outcome === 'denied',
      );
      expect(denied).toHaveLength(1);
    }
  });

  it('answers 404 for an unknown person and 400 for a bad id or limit', async () => {
    const api = superadmin.api;
    expect(
      (await api.get('/api/v1/users/6f1c8a53-7f5e-4f43-9d1e-3c8a0a6e1f00/sessions')).status,
    ).toBe(404);
    expect((await api.get('/api/v1/users/nope/sessions')).status).toBe(400);
    expect((await api.get(`/api/v1/users/${admin.user.id}/sessions?limit=100000`)).status).toBe(
      400,
    );
  });
});

describe('POST /users/:id/sessions/:sessionId/revoke', () => {
  it('needs a session', async () => {
    const { user, phone } = await personWithDevices();
    expect(
      (
        await anonymous.post(`/api/v1/users/${user.id}/sessions/${phone.id}/revoke`, {
          reason: 'Потерян телефон',
        })
      ).status,
    ).toBe(401);
    expect(await active(phone.token)).toBe(true);
  });

  it('refuses staff and auditors (audited) and leaves the session live', async () => {
    const { user, phone } = await personWithDevices();
    for (const actor of [staff, auditor]) {
      expect(
        (
          await actor.api.post(`/api/v1/users/${user.id}/sessions/${phone.id}/revoke`, {
            reason: 'Потерян телефон',
          })
        ).status,
      ).toBe(403);
      const denied = (await auditOf('session.revoked', user.id)).filter(
        (e) => e.actor_id === actor.user.id && e.outcome === 'denied',
      );
      expect(denied).toHaveLength(1);
    }
    expect(await active(phone.token)).toBe(true);
  });

  it("revokes one device session; another person's session id is a 404; twice is a 409", async () => {
    const { user, phone, laptop } = await personWithDevices();
    const other = await personWithDevices();
    const path = `/api/v1/users/${user.id}/sessions/${phone.id}/revoke`;
    expect(
      (
        await admin.api.post(`/api/v1/users/${user.id}/sessions/${other.phone.id}/revoke`, {
          reason: 'Потерян телефон',
        })
      ).status,
    ).toBe(404);
    expect((await admin.api.post(path, { reason: 'Потерян телефон' })).status).toBe(204);
    expect(await active(phone.token)).toBe(false);
    expect(await active(laptop.token)).toBe(true);
    expect(await active(other.phone.token)).toBe(true);
    expect((await admin.api.post(path, { reason: 'Потерян телефон' })).status).toBe(409);
    const [event] = await auditOf('session.revoked', user.id);
    expect(event).toMatchObject({ outcome: 'success', actor_id: admin.user.id });
    expect(event?.details).toMatchObject({
      sessionId: phone.id,
      kind: 'device',
      deviceName: 'Phone',
    });
  });

  it('revokes a back-office session: its cookie stops working at once', async () => {
    const target = await signedIn(context, 'staff');
    expect((await target.api.get('/api/v1/me')).status).toBe(200);
    const list = await admin.api.get<SessionList>(`/api/v1/users/${target.user.id}/sessions`);
    const session = list.body.data.find((s) => s.kind === 'backoffice');
    expect(session).toBeDefined();
    const response = await admin.api.post(
      `/api/v1/users/${target.user.id}/sessions/${session?.id}/revoke`,
      { reason: 'Потерян ноутбук' },
    );
    expect(response.status).toBe(204);
    expect((await target.api.get('/api/v1/me')).status).toBe(401);
  });
});

describe('POST /users/:id/sessions/revoke-all', () => {
  it('needs a session, refuses auditors (audited) and wants a reason', async () => {
    const { user, phone } = await personWithDevices();
    const path = `/api/v1/users/${user.id}/sessions/revoke-all`;
    expect((await anonymous.post(path, { reason: 'x' })).status).toBe(401);
    expect((await auditor.api.post(path, { reason: 'x' })).status).toBe(403);
    expect(
      (await auditOf('user.sessions_revoked', user.id)).filter((e) => e.outcome === 'denied'),
    ).toHaveLength(1);
    expect((await admin.api.post(path, {})).status).toBe(400);
    expect((await admin.api.post(path, { reason: '   ' })).status).toBe(400);
    expect(await active(phone.token)).toBe(true);
  });

  it('revokes every device and back-office session, audited with the count', async () => {
    const target = await signedIn(context, 'staff');
    const phone = await createDeviceSession(context.services, target.user.id);
    const laptop = await createDeviceSession(context.services, target.user.id);
    const response = await admin.api.post(`/api/v1/users/${target.user.id}/sessions/revoke-all`, {
      reason: 'Lost phone',
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ deviceSessionsRevoked: 2, backofficeSessionsRevoked: 1 });
    expect(await active(phone.token)).toBe(false);
    expect(await active(laptop.token)).toBe(false);
    expect((await target.api.get('/api/v1/me')).status).toBe(401);
    const [event] = await auditOf('user.sessions_revoked', target.user.id);
    expect(event).toMatchObject({ outcome: 'success', reason: 'Lost phone' });
    expect(event?.details).toMatchObject({ deviceSessionsRevoked: 2 });
  });
});

describe('POST /users/:id/2fa/reset', () => {
  it('needs a session; refuses staff, auditors, admins on admins and anyone on themselves (audited)', async () => {
    const { user, phone } = await personWithDevices();
    expect(
      (await anonymous.post(`/api/v1/users/${user.id}/2fa/reset`, { reason: 'x' })).status,
    ).toBe(401);
    const cases: [SignedIn, string][] = [
      [staff, user.id],
      [auditor, user.id],
      [admin, superadmin.user.id],
      [superadmin, superadmin.user.id],
    ];
    for (const [actor, target] of cases) {
      const response = await actor.api.post(`/api/v1/users/${target}/2fa/reset`, { reason: 'x' });
      expect(response.status).toBe(403);
      const denied = (await auditOf('user.2fa_reset', target)).filter(
        (e) => e.actor_id === actor.user.id && e.outcome === 'denied',
      );
      expect(denied).toHaveLength(1);
    }
    expect(await active(phone.token)).toBe(true);
    expect(await factorsOf(user.id)).toEqual({ factors: 1, codes: 10 });
  });

  it('answers 400 without a reason and 404 for an unknown person', async () => {
    const { user } = await personWithDevices();
    expect((await admin.api.post(`/api/v1/users/${user.id}/2fa/reset`, {})).status).toBe(400);
    expect(
      (
        await admin.api.post('/api/v1/users/6f1c8a53-7f5e-4f43-9d1e-3c8a0a6e1f00/2fa/reset', {
          reason: 'x',
        })
      ).status,
    ).toBe(404);
  });
});

describe('done when: two devices, one revoked, then a 2FA reset', () => {
  it('kills the first device, then both; the factor and codes are gone; every step is audited', async () => {
    const { user, phone, laptop } = await personWithDevices();
    expect(await active(phone.token)).toBe(true);
    expect(await active(laptop.token)).toBe(true);

    const revoke = await admin.api.post(`/api/v1/users/${user.id}/sessions/${phone.id}/revoke`, {
      reason: 'Потерян телефон',
    });
    expect(revoke.status).toBe(204);
    expect(await active(phone.token)).toBe(false);
    expect(await active(laptop.token)).toBe(true);

    const reset = await admin.api.post(`/api/v1/users/${user.id}/2fa/reset`, {
      reason: 'Phone stolen, ticket 4711',
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({
      factorRemoved: true,
      recoveryCodesRemoved: 10,
      deviceSessionsRevoked: 1,
      backofficeSessionsRevoked: 0,
    });
    expect(await active(phone.token)).toBe(false);
    expect(await active(laptop.token)).toBe(false);
    expect(await factorsOf(user.id)).toEqual({ factors: 0, codes: 0 });

    const list = await admin.api.get<SessionList>(`/api/v1/users/${user.id}/sessions`);
    expect(list.body.data.every((s) => !s.live && s.revokedAt !== null)).toBe(true);
    expect(list.body.data.find((s) => s.deviceName === 'Laptop')?.revokedReason).toBe(
      'Phone stolen, ticket 4711',
    );

    const { rows } = await context.services.pool.query<AuditRow>(
      `select * from audit_event where target_id = $1 and outcome = 'success' order by seq`,
      [user.id],
    );
    expect(rows.map((e) => e.action)).toEqual(['session.revoked', 'user.2fa_reset']);
    expect(rows[1]).toMatchObject({ actor_id: admin.user.id, reason: 'Phone stolen, ticket 4711' });
    expect(JSON.stringify(rows)).not.toContain(phone.token);
  });

  it('deactivating a person revokes their device sessions in the same transaction', async () => {
    const { user, phone, laptop } = await personWithDevices();
    const response = await admin.api.post(`/api/v1/users/${user.id}/deactivate`, {
      reason: 'Left the company',
    });
    expect(response.status).toBe(200);
    expect(await active(phone.token)).toBe(false);
    expect(await active(laptop.token)).toBe(false);
    const { rows } = await context.services.pool.query<{ n: number }>(
      'select count(*)::int as n from device_session where user_id = $1 and revoked_at is null',
      [user.id],
    );
    expect(rows[0]?.n).toBe(0);
    const [event] = await auditOf('user.deactivated', user.id);
    expect(event?.details).toMatchObject({
      door: 'console',
      artefactsRevoked: { deviceSessions: 2 },
    });
  });
});

describe('done when, through the messenger login API', () => {
  it('two devices logged in; one revoked, then 2FA reset: both dead, enrollment again', async () => {
    const person = await backofficePerson(context, null);
    const username = person.username ?? '';
    const phone = await messengerLogIn(context, username, { device: PHONE });
    expect(phone.secret).toBeDefined();
    const laptop = await messengerLogIn(context, username, {
      secret: phone.secret,
      device: { name: 'ThinkPad', platform: 'linux' },
      offsetSeconds: 30,
    });
    expect(await active(phone.token)).toBe(true);
    expect(await active(laptop.token)).toBe(true);

    const revoke = await admin.api.post(
      `/api/v1/users/${person.id}/sessions/${phone.sessionId}/revoke`,
      { reason: 'Потерян телефон' },
    );
    expect(revoke.status).toBe(204);
    expect(await active(phone.token)).toBe(false);
    expect(await active(laptop.token)).toBe(true);

    const reset = await admin.api.post(`/api/v1/users/${person.id}/2fa/reset`, {
      reason: 'Lost phone',
    });
    expect(reset.status).toBe(200);
    expect(await active(laptop.token)).toBe(false);
    expect(await factorsOf(person.id)).toEqual({ factors: 0, codes: 0 });
    const again = await startMessenger(context, username);
    expect(again.status).toBe(200);
    expect(again.body.next).toBe('totp_enroll');

    const { rows } = await context.services.pool.query<AuditRow>(
      `select * from audit_event where target_id = $1 and action in ('session.revoked', 'user.2fa_reset')
        order by seq`,
      [person.id],
    );
    expect(rows.map((e) => [e.action, e.outcome])).toEqual([
      ['session.revoked', 'success'],
      ['user.2fa_reset', 'success'],
    ]);
    expect(rows[0]?.details).toMatchObject({ sessionId: phone.sessionId, deviceName: PHONE.name });
  });
});
