import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { createDeviceSession, createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface Problem {
  code: string;
  status: number;
  errors?: { path: string; message: string }[];
}
type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let admin: Client;
let staff: Client;
let anonymous: ApiClient;

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  anonymous = new ApiClient(context.baseUrl);
});
afterAll(async () => {
  await context?.close();
});

async function stored(id: string) {
  const { rows } = await context.services.pool.query<{
    role: string | null;
    status: string;
    login_method: string;
    password_hash: string | null;
  }>('select role, status, login_method, password_hash from app_user where id = $1', [id]);
  return rows[0];
}

async function outcomes(action: string, targetId: string) {
  const { rows } = await context.services.pool.query<{ outcome: string; reason: string | null }>(
    'select outcome, reason from audit_event where action = $1 and target_id = $2 order by seq',
    [action, targetId],
  );
  return rows;
}

/** The request is refused as a validation problem pointing at `reason`, and nothing changed. */
function expectReasonProblem(response: { status: number; body: unknown }) {
  expect(response.status).toBe(400);
  const problem = response.body as Problem;
  expect(problem.code).toBe('validation_failed');
  expect(problem.errors?.map((e) => e.path)).toContain('reason');
}

describe('a reason is required for privileged actions on a person', () => {
  it('role change: missing or blank reason is a validation problem at `reason`, after authorization', async () => {
    const person = await createPerson(context.services);
    const path = `/api/v1/users/${person.id}/role`;
    expect((await anonymous.put(path, { role: 'staff' })).status).toBe(401);
    // A denied attempt is still refused as denied (and audited), whatever the body.
    expect((await staff.api.put(path, { role: 'staff' })).status).toBe(403);
    expectReasonProblem(await admin.api.put(path, { role: 'staff' }));
    expectReasonProblem(await admin.api.put(path, { role: 'staff', reason: '   ' }));
    expect((await stored(person.id))?.role).toBeNull();
    const granted = await admin.api.put(path, { role: 'staff', reason: 'Новый сотрудник ИТ' });
    expect(granted.status).toBe(200);
    expect((await stored(person.id))?.role).toBe('staff');
    expect(await outcomes('user.role_changed', person.id)).toEqual([
      { outcome: 'denied', reason: null },
      { outcome: 'success', reason: 'Новый сотрудник ИТ' },
    ]);
  });

  it('deactivation, 2FA reset and revoking all sessions refuse a blank reason', async () => {
    const person = await createPerson(context.services);
    const base = `/api/v1/users/${person.id}`;
    for (const path of [`${base}/deactivate`, `${base}/2fa/reset`, `${base}/sessions/revoke-all`]) {
      expectReasonProblem(await admin.api.post(path, {}));
      expectReasonProblem(await admin.api.post(path, { reason: ' \n ' }));
    }
    expect((await stored(person.id))?.status).toBe('active');
    const done = await admin.api.post(`${base}/deactivate`, { reason: 'Уволен 01.12' });
    expect(done.status).toBe(200);
    expect((await stored(person.id))?.status).toBe('deactivated');
  });

  it('revoking one session needs a reason, kept on the session and in the audit event', async () => {
    const person = await createPerson(context.services);
    const { sessionId } = await createDeviceSession(context.services, person);
    const path = `/api/v1/users/${person.id}/sessions/${sessionId}/revoke`;
    expectReasonProblem(await admin.api.post(path, {}));
    expectReasonProblem(await admin.api.post(path, { reason: '' }));
    expect((await staff.api.post(path, { reason: 'x' })).status).toBe(403);
    const revoked = await admin.api.post(path, { reason: 'Потерян телефон' });
    expect(revoked.status).toBe(204);
    const { rows } = await context.services.pool.query<{ revoked_reason: string }>(
      'select revoked_reason from device_session where id = $1',
      [sessionId],
    );
    expect(rows[0]?.revoked_reason).toBe('Потерян телефон');
    expect(await outcomes('session.revoked', person.id)).toEqual([
      { outcome: 'denied', reason: null },
      { outcome: 'success', reason: 'Потерян телефон' },
    ]);
  });
});

describe('login method `ldap` needs a directory source that owns the person', () => {
  it('refuses with 409 login_method_unavailable and keeps the password', async () => {
    const person = await createPerson(context.services, { passwordHash: 'kept-hash' });
    const path = `/api/v1/users/${person.id}/login-method`;
    const refused = await staff.api.put<Problem>(path, { loginMethod: 'ldap' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('login_method_unavailable');
    expect(await stored(person.id)).toMatchObject({
      login_method: 'password',
      password_hash: 'kept-hash',
    });
  });

  it('allows it for a person a configured directory source owns', async () => {
    const sourceId = `corp${Date.now().toString(36)}`;
    const created = await superadmin.api.post('/api/v1/directory-sources', {
      id: sourceId,
      name: 'Corp AD',
      connection: {
        kind: 'ldap',
        url: 'ldaps://ldap.example.test',
        bindDn: 'cn=svc',
        bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_CORP_PW',
        baseDn: 'dc=example',
      },
    });
    expect(created.status, created.text).toBe(201);
    const person = await createPerson(context.services, { passwordHash: 'old-hash' });
    await context.services.pool.query('update app_user set source_id = $1 where id = $2', [
      sourceId,
      person.id,
    ]);
    const changed = await staff.api.put(`/api/v1/users/${person.id}/login-method`, {
      loginMethod: 'ldap',
    });
    expect(changed.status, changed.text).toBe(200);
    expect(await stored(person.id)).toMatchObject({ login_method: 'ldap', password_hash: null });
  });
});
