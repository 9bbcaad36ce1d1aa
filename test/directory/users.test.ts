import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserView } from '../../server/directory/users/presentUser.ts';
import type { UserCard } from '../../server/routes/users.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface AuditRow {
  action: string;
  outcome: string;
  actor_id: string | null;
  target_id: string | null;
  target_type: string | null;
  reason: string | null;
  diff: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
  details: Record<string, unknown> | null;
}
type Problem = { code: string; fields?: string[] };
type SignedIn = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let anonymous: ApiClient;
let superadmin: SignedIn;
let admin: SignedIn;
let staff: SignedIn;
let auditor: SignedIn;

beforeAll(async () => {
  context = await startTestContext();
  anonymous = new ApiClient(context.baseUrl);
  superadmin = await signedIn(context, 'superadmin');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  auditor = await signedIn(context, 'auditor');
});
afterAll(async () => {
  await context.close();
});

async function auditOf(action: string, targetId?: string | null): Promise<AuditRow[]> {
  const em = context.services.orm.em.fork();
  return targetId === undefined
    ? em.execute<AuditRow[]>('select * from audit_event where action = ? order by seq', [action])
    : em.execute<AuditRow[]>(
        'select * from audit_event where action = ? and target_id = ? order by seq',
        [action, targetId],
      );
}

async function stored(id: string) {
  const em = context.services.orm.em.fork();
  const [row] = await em.execute<
    {
      status: string;
      role: string | null;
      rank: number;
      login_method: string;
      password_hash: string | null;
      family_name: string;
      status_changed_by_id: string | null;
      status_reason: string | null;
    }[]
  >('select * from app_user where id = ?', [id]);
  return row;
}

const plain = () => createPerson(context.services, { status: 'active' });

describe('GET /users', () => {
  it('needs a session', async () => {
    expect((await anonymous.get('/api/v1/users')).status).toBe(401);
  });

  it('lists people for every back-office role, never with a password hash', async () => {
    await createPerson(context.services, { passwordHash: 'secret-hash' });
    for (const { api } of [superadmin, admin, staff, auditor]) {
      const response = await api.get<{ data: UserView[]; total: number }>('/api/v1/users');
      expect(response.status).toBe(200);
      expect(response.body.total).toBeGreaterThanOrEqual(5);
      expect(response.text).not.toContain('secret-hash');
      expect(response.text).not.toContain('passwordHash');
    }
  });

  it('refuses a role filter to those who may not list back-office accounts, and audits it', async () => {
    for (const { api, user } of [staff, admin]) {
      const response = await api.get<Problem>('/api/v1/users?role=staff');
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('forbidden_filter');
      const denied = (await auditOf('user.listed')).filter(
        (e) => e.actor_id === user.id && e.outcome === 'denied',
      );
      expect(denied).toHaveLength(1);
    }
    const allowed = await auditor.api.get<{ data: UserView[] }>('/api/v1/users?role=none');
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.every((u) => u.role === null)).toBe(true);
  });
});

describe('GET /backoffice-accounts', () => {
  it('needs a session', async () => {
    expect((await anonymous.get('/api/v1/backoffice-accounts')).status).toBe(401);
  });

  it('is for superadmins and auditors only; refusals are audited', async () => {
    for (const { api, user } of [admin, staff]) {
      expect((await api.get('/api/v1/backoffice-accounts')).status).toBe(403);
      const denied = (await auditOf('user.listed')).filter(
        (e) =>
          e.actor_id === user.id &&
          e.outcome === 'denied' &&
          e.target_type === 'backoffice_account',
      );
      expect(denied).toHaveLength(1);
    }
    for (const { api } of [superadmin, auditor]) {
      const response = await api.get<{ data: UserView[]; total: number }>(
        '/api/v1/backoffice-accounts?limit=200',
      );
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeGreaterThanOrEqual(4);
      expect(response.body.data.every((u) => u.role !== null)).toBe(true);
    }
  });
});

describe('GET /users/:id', () => {
  it('needs a session, answers 404 for unknown ids, and shows the card with who added', async () => {
    const person = await createPerson(context.services, { addedById: staff.user.id });
    expect((await anonymous.get(`/api/v1/users/${person.id}`)).status).toBe(401);
    const missing = await admin.api.get<Problem>(
      '/api/v1/users/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    // No back-office role is refused a card (reads are open to all four), so there is no 403.
    for (const { api } of [superadmin, admin, staff, auditor]) {
      const response = await api.get<UserView>(`/api/v1/users/${person.id}`);
      expect(response.status).toBe(200);
      expect(response.body.addedBy).toEqual({
        id: staff.user.id,
        displayName: staff.user.displayName,
        fullName: `${staff.user.familyName} ${staff.user.givenName}`,
      });
    }
  });

  it("shows the person's second-factor state and spaces", async () => {
    const person = await createPerson(context.services);
    const card = async () => (await admin.api.get<UserCard>(`/api/v1/users/${person.id}`)).body;
    expect((await card()).secondFactor).toEqual({ enrolled: false, enrolledAt: null });
    expect((await card()).spaces).toEqual([]);
    const em = context.services.orm.em.fork();
    await em.execute(
      "insert into totp_factor (user_id, secret_encrypted, confirmed_at) values (?, 'x', now())",
      [person.id],
    );
    // Spaces are created by superadmins; members are added by admins.
    const created = (
      await superadmin.api.post<{ id: string }>('/api/v1/spaces', { name: 'Проект Ёлка' })
    ).body.id;
    const added = await admin.api.post(`/api/v1/spaces/${created}/members`, {
      userIds: [person.id],
    });
    expect(added.status).toBeLessThan(300);
    const after = await card();
    expect(after.secondFactor.enrolled).toBe(true);
    expect(after.spaces).toEqual([{ id: created, name: 'Проект Ёлка' }]);
    // Staff see the card, not the Spaces section.
    const forStaff = await staff.api.get<UserCard>(`/api/v1/users/${person.id}`);
    expect(forStaff.body.spaces).toBeNull();
  });
});

describe('POST /users', () => {
  it('needs a session', async () => {
    const response = await anonymous.post('/api/v1/users', { familyName: 'А', givenName: 'Б' });
    expect(response.status).toBe(401);
  });

  it('refuses auditors, audits the refusal and writes nothing', async () => {
    const response = await auditor.api.post('/api/v1/users', {
      familyName: 'Отказов',
      givenName: 'Аудит',
    });
    expect(response.status).toBe(403);
    const denied = (await auditOf('user.created')).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.actor_id)).toContain(auditor.user.id);
    const em = context.services.orm.em.fork();
    const rows = await em.execute("select 1 from app_user where family_name = 'Отказов'");
    expect(rows).toHaveLength(0);
  });

  it('adds a pending manual person with who added them, and audits it', async () => {
    const response = await staff.api.post<UserView>('/api/v1/users', {
      familyName: 'Новиков',
      givenName: 'Пётр',
      phone: '8 (916) 555-12-34',
      email: 'P.Novikov@Corp.Example',
      initiatedBy: 'HR-2026-0042',
    });
    expect(response.status).toBe(201);
    const created = response.body;
    expect(created).toMatchObject({
      status: 'pending',
      source: 'manual',
      displayName: 'Пётр Новиков',
      phone: '+79165551234',
      email: 'p.novikov@corp.example',
      initiatedBy: 'HR-2026-0042',
      addedBy: { id: staff.user.id, displayName: staff.user.displayName },
      role: null,
    });
    const [event] = await auditOf('user.created', created.id);
    expect(event?.outcome).toBe('success');
    expect(event?.actor_id).toBe(staff.user.id);
    expect(event?.diff?.after).toMatchObject({ familyName: 'Новиков', status: 'pending' });
  });

  it('creates an active person on request, and refuses duplicates with 409', async () => {
    const body = {
      familyName: 'Активов',
      givenName: 'Иван',
      username: 'aktivov',
      status: 'active',
    };
    const response = await admin.api.post<UserView>('/api/v1/users', body);
    expect(response.status).toBe(201);
    expect(response.body.status).toBe('active');
    const again = await admin.api.post<Problem>('/api/v1/users', body);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_exists');
  });
});

describe('PATCH /users/:id', () => {
  it('needs a session', async () => {
    const person = await plain();
    expect((await anonymous.patch(`/api/v1/users/${person.id}`, { version: 1 })).status).toBe(401);
  });

  it('refuses staff, and admins on admins; audits both refusals', async () => {
    const person = await plain();
    const otherAdmin = await createPerson(context.services, { role: 'admin' });
    const byStaff = await staff.api.patch(`/api/v1/users/${person.id}`, {
      title: 'x',
      version: person.version,
    });
    expect(byStaff.status).toBe(403);
    const byAdmin = await admin.api.patch(`/api/v1/users/${otherAdmin.id}`, {
      title: 'x',
      version: otherAdmin.version,
    });
    expect(byAdmin.status).toBe(403);
    expect((await auditOf('user.updated', person.id))[0]?.outcome).toBe('denied');
    expect((await auditOf('user.updated', otherAdmin.id))[0]?.outcome).toBe('denied');
    expect((await stored(person.id))?.family_name).toBe(person.familyName);
  });

  it('edits profile fields with optimistic locking and audits before/after', async () => {
    const person = await plain();
    const response = await admin.api.patch<UserView>(`/api/v1/users/${person.id}`, {
      familyName: 'Изменённый',
      title: 'Инженер',
      version: person.version,
    });
    expect(response.status).toBe(200);
    expect(response.body.familyName).toBe('Изменённый');
    expect(response.body.version).toBe(person.version + 1);
    const [event] = await auditOf('user.updated', person.id);
    expect(event?.diff).toEqual({
      before: { familyName: person.familyName, title: null },
      after: { familyName: 'Изменённый', title: 'Инженер' },
    });
    const stale = await admin.api.patch<Problem>(`/api/v1/users/${person.id}`, {
      title: 'Другое',
      version: person.version,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
  });

  it("refuses hand edits of a synced person's source-owned fields", async () => {
    const synced = await createPerson(context.services, { source: 'ad' });
    const refused = await superadmin.api.patch<Problem>(`/api/v1/users/${synced.id}`, {
      familyName: 'Ручной',
      email: 'hand@corp.example',
      initiatedBy: 'REQ-1',
      version: synced.version,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('source_owned_field');
    expect(refused.body.fields?.sort()).toEqual(['email', 'familyName']);
    expect((await stored(synced.id))?.family_name).toBe(synced.familyName);
    // Sending the unchanged owned values back (a whole form) is fine; initiatedBy is local.
    const accepted = await superadmin.api.patch<UserView>(`/api/v1/users/${synced.id}`, {
      familyName: synced.familyName,
      initiatedBy: 'REQ-1',
      version: synced.version,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.initiatedBy).toBe('REQ-1');
  });
});

describe('POST /users/:id/deactivate', () => {
  it('needs a session', async () => {
    const person = await plain();
    const response = await anonymous.post(`/api/v1/users/${person.id}/deactivate`, {
      reason: 'x',
    });
    expect(response.status).toBe(401);
  });

  it('refuses auditors, staff on staff, and anyone on themselves; audits refusals', async () => {
    const person = await plain();
    const otherStaff = await createPerson(context.services, { role: 'staff' });
    const cases: [ApiClient, string][] = [
      [auditor.api, person.id],
      [staff.api, otherStaff.id],
      [admin.api, admin.user.id],
      [superadmin.api, superadmin.user.id],
    ];
    for (const [api, id] of cases) {
      const response = await api.post(`/api/v1/users/${id}/deactivate`, { reason: 'test' });
      expect(response.status).toBe(403);
      expect((await auditOf('user.deactivated', id)).at(-1)?.outcome).toBe('denied');
      expect((await stored(id))?.status).toBe('active');
    }
  });

  it('deactivates, records who and why, and cuts back-office sessions at once', async () => {
    const target = await signedIn(context, 'staff');
    expect((await target.api.get('/api/v1/users')).status).toBe(200);
    const response = await admin.api.post<UserView>(`/api/v1/users/${target.user.id}/deactivate`, {
      reason: 'Уволен',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'deactivated',
      statusReason: 'Уволен',
      statusChangedBy: { id: admin.user.id },
    });
    expect((await target.api.get('/api/v1/users')).status).toBe(401);
    const [event] = await auditOf('user.deactivated', target.user.id);
    expect(event).toMatchObject({ outcome: 'success', reason: 'Уволен' });
    expect(event?.diff).toEqual({ before: { status: 'active' }, after: { status: 'deactivated' } });
    expect(event?.details?.artefactsRevoked).toMatchObject({ backofficeSessions: 1 });
    const again = await admin.api.post<Problem>(`/api/v1/users/${target.user.id}/deactivate`, {
      reason: 'again',
    });
    expect(again.status).toBe(409);
  });

  it('lets staff deactivate plain people, including synced ones (the status sticks)', async () => {
    const synced = await createPerson(context.services, { source: 'hr' });
    const response = await staff.api.post<UserView>(`/api/v1/users/${synced.id}/deactivate`, {
      reason: 'Ушёл',
    });
    expect(response.status).toBe(200);
    const row = await stored(synced.id);
    expect(row).toMatchObject({
      status: 'deactivated',
      status_changed_by_id: staff.user.id,
      status_reason: 'Ушёл',
    });
  });

  it('requires a reason', async () => {
    const person = await plain();
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(1001) }]) {
      const response = await admin.api.post(`/api/v1/users/${person.id}/deactivate`, body);
      expect(response.status).toBe(400);
    }
    expect((await stored(person.id))?.status).toBe('active');
  });

  it('lets a superadmin deactivate another superadmin', async () => {
    const other = await createPerson(context.services, { role: 'superadmin' });
    const response = await superadmin.api.post(`/api/v1/users/${other.id}/deactivate`, {
      reason: 'rotation',
    });
    expect(response.status).toBe(200);
  });
});

describe('POST /users/:id/activate', () => {
  it('needs a session, refuses auditors (audited) and activates for staff', async () => {
    const person = await createPerson(context.services, { status: 'pending' });
    expect((await anonymous.post(`/api/v1/users/${person.id}/activate`, {})).status).toBe(401);
    expect((await auditor.api.post(`/api/v1/users/${person.id}/activate`, {})).status).toBe(403);
    expect((await auditOf('user.activated', person.id))[0]?.outcome).toBe('denied');
    expect((await stored(person.id))?.status).toBe('pending');
    const response = await staff.api.post<UserView>(`/api/v1/users/${person.id}/activate`, {
      reason: 'Принят',
    });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('active');
    const events = await auditOf('user.activated', person.id);
    expect(events.at(-1)).toMatchObject({ outcome: 'success', reason: 'Принят' });
    expect(events.at(-1)?.diff).toEqual({
      before: { status: 'pending' },
      after: { status: 'active' },
    });
    const again = await staff.api.post<Problem>(`/api/v1/users/${person.id}/activate`, {});
    expect(again.status).toBe(409);
  });

  it('refuses staff on an admin', async () => {
    const otherAdmin = await createPerson(context.services, { role: 'admin', status: 'pending' });
    expect((await staff.api.post(`/api/v1/users/${otherAdmin.id}/activate`, {})).status).toBe(403);
  });
});

describe('PUT /users/:id/login-method', () => {
  it('needs a session, refuses auditors and staff on staff, and clears the password', async () => {
    const person = await createPerson(context.services, { passwordHash: 'old-hash' });
    const otherStaff = await createPerson(context.services, { role: 'staff' });
    const path = `/api/v1/users/${person.id}/login-method`;
    expect((await anonymous.put(path, { loginMethod: 'ldap' })).status).toBe(401);
    expect((await auditor.api.put(path, { loginMethod: 'ldap' })).status).toBe(403);
    expect((await auditOf('user.login_method_changed', person.id))[0]?.outcome).toBe('denied');
    const onStaff = await staff.api.put(`/api/v1/users/${otherStaff.id}/login-method`, {
      loginMethod: 'ldap',
    });
    expect(onStaff.status).toBe(403);
    expect((await stored(person.id))?.password_hash).toBe('old-hash');
    const response = await staff.api.put<UserView>(path, { loginMethod: 'ldap' });
    expect(response.status).toBe(200);
    expect(response.body.loginMethod).toBe('ldap');
    expect(await stored(person.id)).toMatchObject({ login_method: 'ldap', password_hash: null });
    const [event] = (await auditOf('user.login_method_changed', person.id)).filter(
      (e) => e.outcome === 'success',
    );
    expect(event?.diff).toEqual({
      before: { loginMethod: 'password' },
      after: { loginMethod: 'ldap' },
    });
    expect(JSON.stringify(event)).not.toContain('old-hash');
  });
});

describe('PUT /users/:id/role', () => {
  it('needs a session and refuses staff and auditors (audited)', async () => {
    const person = await plain();
    const path = `/api/v1/users/${person.id}/role`;
    expect((await anonymous.put(path, { role: 'staff' })).status).toBe(401);
    for (const { api } of [staff, auditor]) {
      expect((await api.put(path, { role: 'staff' })).status).toBe(403);
    }
    expect((await auditOf('user.role_changed', person.id)).map((e) => e.outcome)).toEqual([
      'denied',
      'denied',
    ]);
    expect((await stored(person.id))?.role).toBeNull();
  });

  it('lets an admin grant and withdraw staff only', async () => {
    const person = await plain();
    const path = `/api/v1/users/${person.id}/role`;
    expect((await admin.api.put(path, { role: 'admin' })).status).toBe(403);
    expect((await admin.api.put(path, { role: 'auditor' })).status).toBe(403);
    const granted = await admin.api.put<UserView>(path, { role: 'staff', reason: 'Смена' });
    expect(granted.status).toBe(200);
    expect(granted.body.role).toBe('staff');
    expect(await stored(person.id)).toMatchObject({ role: 'staff', rank: 1 });
    const events = (await auditOf('user.role_changed', person.id)).filter(
      (e) => e.outcome === 'success',
    );
    expect(events[0]).toMatchObject({ reason: 'Смена' });
    expect(events[0]?.diff).toEqual({ before: { role: null }, after: { role: 'staff' } });
    const auditorTarget = await createPerson(context.services, { role: 'auditor' });
    const onAuditor = await admin.api.put(`/api/v1/users/${auditorTarget.id}/role`, { role: null });
    expect(onAuditor.status).toBe(403);
  });

  it('withdrawing a role ends the back-office sessions of the person', async () => {
    const target = await signedIn(context, 'staff');
    const response = await admin.api.put(`/api/v1/users/${target.user.id}/role`, { role: null });
    expect(response.status).toBe(200);
    expect((await target.api.get('/api/v1/users')).status).toBe(401);
    expect(await stored(target.user.id)).toMatchObject({ role: null, rank: 0 });
  });

  it('never grants superadmin, never changes one’s own role, allows superadmin on superadmin', async () => {
    const person = await plain();
    const toSuper = await superadmin.api.put(`/api/v1/users/${person.id}/role`, {
      role: 'superadmin',
    });
    expect(toSuper.status).toBe(403);
    expect((await stored(person.id))?.role).toBeNull();
    const self = await superadmin.api.put(`/api/v1/users/${superadmin.user.id}/role`, {
      role: 'admin',
    });
    expect(self.status).toBe(403);
    const other = await createPerson(context.services, { role: 'superadmin' });
    const demoted = await superadmin.api.put<UserView>(`/api/v1/users/${other.id}/role`, {
      role: 'auditor',
    });
    expect(demoted.status).toBe(200);
    expect(await stored(other.id)).toMatchObject({ role: 'auditor', rank: 2 });
  });
});
