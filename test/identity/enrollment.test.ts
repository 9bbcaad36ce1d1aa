import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../server/directory/entities.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { auditEvents, auditText, logIn, type PasswordStep } from './loginFlow.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext({ http: { port: 0, publicUrl: 'https://admin.corp.example' } });
});
afterAll(async () => {
  await context.close();
});

interface Problem {
  code: string;
  status: number;
}
interface Link {
  url: string;
  expiresAt: string;
}

const NEW_PASSWORD = 'a long enough passphrase';

function tokenOf(url: string): string {
  const token = new URL(url.replace('#/', '')).searchParams.get('token');
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}

async function issue(api: ApiClient, userId: string) {
  return api.post<Link & Problem>(`/api/v1/users/${userId}/enrollment-link`);
}

describe('enrollment links', () => {
  it('lets a pending staff member set a password once, become active and log in', async () => {
    const { api: admin, user: issuer } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { role: 'staff', status: 'pending' });
    const before = Date.now();
    const issued = await issue(admin, person.id);
    const after = Date.now();
    expect(issued.status).toBe(201);
    expect(issued.body.url).toMatch(/^https:\/\/admin\.corp\.example\/admin\/#\/enroll\?token=/);
    // 72 hours from the moment it was issued, however long the request took.
    const expires = Date.parse(issued.body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 72 * 3_600_000);
    expect(expires).toBeLessThanOrEqual(after + 72 * 3_600_000);
    const token = tokenOf(issued.body.url);

    const anonymous = new ApiClient(context.baseUrl);
    const done = await anonymous.post('/api/v1/enrollment', { token, password: NEW_PASSWORD });
    expect(done.status).toBe(204);

    const reloaded = await context.services.orm.em.fork().findOneOrFail(User, { id: person.id });
    expect(reloaded.status).toBe('active');
    expect(reloaded.statusChangedById).toBe(issuer.id);
    expect(reloaded.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

    const again = await anonymous.post<Problem>('/api/v1/enrollment', {
      token,
      password: 'another long passphrase',
    });
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('enrollment_link_used');

    const first = await new ApiClient(context.baseUrl).post<PasswordStep>('/api/v1/session', {
      username: person.username,
      password: NEW_PASSWORD,
    });
    expect(first.body.next).toBe('totp_enroll');
    const { me } = await logIn(context, person.username as string, NEW_PASSWORD);
    expect(me.body.role).toBe('staff');
    // publicUrl is https here, so secureCookies 'auto' marks the session cookie Secure.
    expect(me.headers.getSetCookie().join('\n')).toMatch(/fb_session=[^;]+;.*secure/i);

    const issuedEvents = await auditEvents(context, 'user.enrollment_link_issued', person.id);
    expect(issuedEvents).toHaveLength(1);
    expect(issuedEvents[0]?.actor_id).toBe(issuer.id);
    const completed = await auditEvents(context, 'auth.enrollment_completed', person.id);
    expect(completed).toHaveLength(1);
    expect(completed[0]?.diff).toEqual({
      before: { status: 'pending', passwordSet: false },
      after: { status: 'active', passwordSet: true },
    });
    const text = await auditText(context);
    expect(text).not.toContain(token);
    expect(text).not.toContain(NEW_PASSWORD);
  });

  it('invalidates older links when a new one is issued, and expires links', async () => {
    const { api: superadmin } = await signedIn(context, 'superadmin');
    const person = await createPerson(context.services, { role: 'admin' });
    const older = tokenOf((await issue(superadmin, person.id)).body.url);
    const newer = tokenOf((await issue(superadmin, person.id)).body.url);
    const anonymous = new ApiClient(context.baseUrl);
    const stale = await anonymous.post<Problem>('/api/v1/enrollment', {
      token: older,
      password: NEW_PASSWORD,
    });
    expect(stale.status).toBe(410);
    expect(stale.body.code).toBe('enrollment_link_expired');

    context.setNow(new Date(Date.now() + 72 * 3_600_000 + 60_000));
    try {
      const late = await anonymous.post<Problem>('/api/v1/enrollment', {
        token: newer,
        password: NEW_PASSWORD,
      });
      expect(late.status).toBe(410);
      expect(late.body.code).toBe('enrollment_link_expired');
    } finally {
      context.setNow(undefined);
    }
  });

  it('enforces the password policy and rejects unknown tokens', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, {
      role: 'staff',
      username: 'policy.checker.1',
    });
    const token = tokenOf((await issue(admin, person.id)).body.url);
    const anonymous = new ApiClient(context.baseUrl);
    for (const password of ['short', 'policy.checker.1', 'POLICY.CHECKER.1', 'x'.repeat(257)]) {
      const refused = await anonymous.post<Problem>('/api/v1/enrollment', { token, password });
      expect(refused.status, password).toBe(422);
      expect(refused.body.code).toBe('password_rejected');
    }
    const unknown = await anonymous.post<Problem>('/api/v1/enrollment', {
      token: 'no-such-token',
      password: NEW_PASSWORD,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('enrollment_link_invalid');
    const extra = await anonymous.post<Problem>('/api/v1/enrollment', {
      token,
      password: NEW_PASSWORD,
      role: 'superadmin',
    });
    expect(extra.body.code).toBe('unknown_field');
    const empty = await anonymous.post<Problem>('/api/v1/enrollment', { token: '', password: '' });
    expect(empty.status).toBe(400);
    // The refusals did not use the link up.
    expect(
      (await anonymous.post('/api/v1/enrollment', { token, password: NEW_PASSWORD })).status,
    ).toBe(204);
  });

  it('refuses links for deactivated people', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { status: 'deactivated' });
    const refused = await issue(admin, person.id);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('user_deactivated');
  });
});

describe('enrollment link authorization', () => {
  it('requires a session and the CSRF token', async () => {
    const person = await createPerson(context.services, { role: 'staff' });
    const anonymous = await issue(new ApiClient(context.baseUrl), person.id);
    expect(anonymous.status).toBe(401);
    const { api } = await signedIn(context, 'admin');
    api.csrfToken = null;
    const noCsrf = await issue(api, person.id);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.code).toBe('csrf_failed');
  });

  it('answers 404 for nobody and 400 for a malformed id', async () => {
    const { api } = await signedIn(context, 'admin');
    expect((await issue(api, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await issue(api, 'not-a-uuid')).status).toBe(400);
  });

  it.each([
    ['staff', 'admin'],
    ['staff', null],
    ['admin', 'admin'],
    ['admin', 'auditor'],
    ['auditor', null],
  ] as const)('refuses %s issuing for a %s target, audited as denied', async (role, targetRole) => {
    const { api, user: actor } = await signedIn(context, role);
    const target = await createPerson(context.services, { role: targetRole });
    const refused = await issue(api, target.id);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    const events = await auditEvents(context, 'user.enrollment_link_issued', target.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.outcome).toBe('denied');
    expect(events[0]?.actor_id).toBe(actor.id);
  });

  it('refuses a link for oneself', async () => {
    const { api, user } = await signedIn(context, 'superadmin');
    expect((await issue(api, user.id)).status).toBe(403);
  });

  it('lets admins issue for staff and plain users, superadmins for anyone else', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const { api: superadmin } = await signedIn(context, 'superadmin');
    for (const role of ['staff', null] as const) {
      const target = await createPerson(context.services, { role });
      expect((await issue(admin, target.id)).status).toBe(201);
    }
    for (const role of ['admin', 'auditor', 'superadmin'] as const) {
      const target = await createPerson(context.services, { role });
      expect((await issue(superadmin, target.id)).status).toBe(201);
    }
  });
});
