import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { createDeviceSession, createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import {
  ENTERPRISE,
  expectScimError,
  HR,
  ScimClient,
  scimUser,
  startScimContext,
} from './scimSupport.ts';

let context: TestContext;
let scim: ScimClient;

beforeAll(async () => {
  context = await startScimContext();
  await registerConnectors(context.services, [{ name: 'hook', kind: 'webhook' }]);
  scim = new ScimClient(context.baseUrl);
});

afterAll(async () => {
  await context?.close();
});

async function row(id: string) {
  const { rows } = await context.services.pool.query(
    `select u.*, u.hire_date::text as hire, u.termination_date::text as term, o.name as org
       from app_user u left join organization o on o.id = u.organization_id where u.id = $1`,
    [id],
  );
  return rows[0];
}

async function auditActions(targetId: string): Promise<string[]> {
  const { rows } = await context.services.pool.query<{ action: string }>(
    'select action from audit_event where target_id = $1 order by seq',
    [targetId],
  );
  return rows.map((r) => r.action);
}

async function create(overrides: Record<string, unknown> = {}) {
  const res = await scim.post('/Users', scimUser(overrides));
  expect(res.status, res.text).toBe(201);
  return res;
}

describe('SCIM Users', () => {
  it('creates a person (201, Location, ETag) as source scim, audited and sent to the core', async () => {
    const res = await create();
    const id = res.body.id as string;
    expect(res.headers.get('location')).toBe(`${context.baseUrl}/scim/v2/Users/${id}`);
    expect(res.headers.get('etag')).toMatch(/^W\/"\d+"$/);
    expect(res.headers.get('content-type')).toContain('application/scim+json');
    expect(res.body.active).toBe(true);
    expect(res.body.name).toMatchObject({ familyName: 'Петров', givenName: 'Пётр' });
    expect(res.body.phoneNumbers).toEqual([{ value: '+79123456789', type: 'work', primary: true }]);
    expect(res.body[ENTERPRISE]).toMatchObject({ department: 'Отдел SCIM' });
    const stored = await row(id);
    expect(stored).toMatchObject({
      source: 'scim',
      hr_source_id: 'scim',
      status: 'active',
      login_method: 'password',
      org: 'Отдел SCIM',
    });
    expect(stored.scim_external_id).toBe(res.body.externalId);
    expect(await auditActions(id)).toContain('user.created');
    const { rows } = await context.services.pool.query(
      "select type from outbox_event where key = $1 and type = 'person.upserted'",
      [id],
    );
    expect(rows.length).toBeGreaterThan(0);
  });

  it('keeps the login part of an email-like userName and uses it as the email', async () => {
    const res = await create({ userName: 'Anna.Smirnova@Corp.Example', emails: undefined });
    // userName is answered as sent (scim-rfc7643.test.ts); the login is its local part.
    expect(res.body.userName).toBe('Anna.Smirnova@Corp.Example');
    expect((await row(res.body.id as string)).username).toBe('anna.smirnova');
    expect(res.body.emails).toEqual([
      { value: 'anna.smirnova@corp.example', type: 'work', primary: true },
    ]);
    const found = await scim.get(
      `/Users?filter=${encodeURIComponent('userName eq "Anna.Smirnova@corp.example"')}`,
    );
    expect(found.body.totalResults).toBe(1);
  });

  it('refuses a second person with the same userName (409 uniqueness)', async () => {
    const body = scimUser();
    await create(body);
    expectScimError(
      await scim.post('/Users', { ...body, externalId: 'other', emails: [] }),
      409,
      'uniqueness',
    );
  });

  it('reads a person by id and honours attributes', async () => {
    const id = (await create()).body.id as string;
    const res = await scim.get(`/Users/${id}?attributes=userName,name.familyName`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    expect(res.body.name).toEqual({ familyName: 'Петров' });
  });

  it('replaces a person with PUT (department created, employee number, absent values cleared)', async () => {
    const created = await create();
    const id = created.body.id as string;
    const body = scimUser({
      userName: created.body.userName,
      title: undefined,
      phoneNumbers: undefined,
      [ENTERPRISE]: { employeeNumber: '777', department: 'Новый отдел' },
    });
    const res = await scim.put(`/Users/${id}`, body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.title).toBeUndefined();
    expect(res.body.phoneNumbers).toBeUndefined();
    const stored = await row(id);
    expect(stored).toMatchObject({
      employee_number: '777',
      org: 'Новый отдел',
      title: null,
      phone: null,
    });
    const { rows } = await context.services.pool.query(
      "select source, kind from organization where name = 'Новый отдел'",
    );
    expect(rows).toEqual([{ source: 'scim', kind: 'department' }]);
    expect(await auditActions(id)).toContain('user.updated');
  });

  it('applies Microsoft Entra PATCH bodies verbatim', async () => {
    const id = (await create()).body.id as string;
    const person = await row(id);
    const device = await createDeviceSession(context.services, { ...person, id } as never);
    const res = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'name.givenName', value: 'Павел' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'pavel.entra@corp.example' },
      { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'E-42' },
      { op: 'Add', path: 'title', value: 'Ведущий инженер' },
      {
        op: 'Replace',
        value: { displayName: 'Павел Петров', [`${ENTERPRISE}:department`]: 'Entra' },
      },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: '00000000-0000-4000-8000-000000000001' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Москва' },
      { op: 'Add', path: 'preferredLanguage', value: 'ru-RU' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.name).toMatchObject({ givenName: 'Павел' });
    expect(res.body.emails).toEqual([
      { value: 'pavel.entra@corp.example', type: 'work', primary: true },
    ]);
    expect(res.body[ENTERPRISE]).toMatchObject({ employeeNumber: 'E-42', department: 'Entra' });
    expect(res.body).toMatchObject({ title: 'Ведущий инженер', displayName: 'Павел Петров' });
    const disabled = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'active', value: 'False' },
    ]);
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.body.active).toBe(false);
    const stored = await row(id);
    expect(stored).toMatchObject({ status: 'deactivated', status_source: 'scim' });
    const { rows } = await context.services.pool.query(
      'select revoked_at from device_session where id = $1',
      [device.sessionId],
    );
    expect(rows[0].revoked_at).not.toBeNull();
    expect(await auditActions(id)).toContain('user.deactivated');
    const again = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'active', value: 'True' },
    ]);
    expect(again.body.active).toBe(true);
    expect(await auditActions(id)).toContain('user.activated');
  });

  it('applies Okta PATCH bodies verbatim', async () => {
    const id = (await create()).body.id as string;
    const res = await scim.patch(`/Users/${id}`, [{ op: 'replace', value: { active: false } }]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.active).toBe(false);
    const back = await scim.patch(`/Users/${id}`, [
      { op: 'replace', value: { active: true, name: { familyName: 'Сидоров' } } },
    ]);
    expect(back.body).toMatchObject({
      active: true,
      name: { familyName: 'Сидоров', givenName: 'Пётр' },
    });
    const removed = await scim.patch(`/Users/${id}`, [{ op: 'remove', path: 'title' }]);
    expect(removed.body.title).toBeUndefined();
  });

  it('DELETE deactivates (204), never erases, and revokes sessions', async () => {
    const id = (await create()).body.id as string;
    const person = await row(id);
    const device = await createDeviceSession(context.services, { ...person, id } as never);
    const res = await scim.delete(`/Users/${id}`);
    expect(res.status).toBe(204);
    // Still in the directory, deactivated; SCIM no longer shows them (scim-rfc7644.test.ts).
    expect(await row(id)).toMatchObject({ status: 'deactivated', status_source: 'scim' });
    expectScimError(await scim.get(`/Users/${id}`), 404);
    const { rows } = await context.services.pool.query(
      'select revoked_at from device_session where id = $1',
      [device.sessionId],
    );
    expect(rows[0].revoked_at).not.toBeNull();
    expect(await auditActions(id)).toContain('user.deactivated');
    const { rows: events } = await context.services.pool.query(
      "select 1 from outbox_event where key = $1 and type = 'person.deactivated'",
      [id],
    );
    expect(events.length).toBeGreaterThan(0);
    expectScimError(await scim.delete(`/Users/${id}`), 404);
  });

  it('may not touch back-office accounts (403, audited as denied)', async () => {
    const admin = await createPerson(context.services, { role: 'admin' });
    expectScimError(
      await scim.patch(`/Users/${admin.id}`, [{ op: 'replace', path: 'active', value: false }]),
      403,
    );
    expectScimError(await scim.delete(`/Users/${admin.id}`), 403);
    const { rows } = await context.services.pool.query(
      "select outcome from audit_event where target_id = $1 and action = 'user.deactivated'",
      [admin.id],
    );
    expect(rows.map((r) => r.outcome)).toContain('denied');
    expect((await row(admin.id)).status).toBe('active');
  });

  it('writes only the fields HR wins for a person linked to a directory', async () => {
    const person = await createPerson(context.services, {
      username: 'dir.linked',
      familyName: 'Каталогов',
    });
    await context.services.pool.query(
      "update app_user set source_id = 'ad-main', external_id = 'guid-1' where id = $1",
      [person.id],
    );
    const res = await scim.put(
      `/Users/${person.id}`,
      scimUser({
        userName: 'other.login',
        title: 'Из HR',
        name: { familyName: 'Кадров', givenName: 'Иван' },
      }),
    );
    expect(res.status, res.text).toBe(200);
    const stored = await row(person.id);
    // username, email and displayName belong to the directory by default; names and title to HR.
    expect(stored).toMatchObject({ username: 'dir.linked', family_name: 'Кадров', title: 'Из HR' });
    expect(stored.email).toBe(person.email);
  });

  it('stores dates; an ended termination date deactivates at once, a future hire date waits', async () => {
    const gone = await create({ [HR]: { hireDate: '2020-01-01', terminationDate: '2021-06-30' } });
    expect(gone.body.active).toBe(false);
    expect(gone.body[HR]).toEqual({ hireDate: '2020-01-01', terminationDate: '2021-06-30' });
    expect(await row(gone.body.id as string)).toMatchObject({
      status: 'deactivated',
      term: '2021-06-30',
    });
    const future = await create({ [HR]: { hireDate: '2099-01-10' } });
    expect(future.body.active).toBe(false);
    expect((await row(future.body.id as string)).status).toBe('pending');
    const leaving = await scim.patch(`/Users/${future.body.id}`, [
      { op: 'add', path: `${HR}:terminationDate`, value: '2000-01-01' },
    ]);
    expect(leaving.status, leaving.text).toBe(200);
    expect((await row(future.body.id as string)).status).toBe('deactivated');
  });

  it('schedules a future termination and moves it when the date changes', async () => {
    const id = (await create({ [HR]: { terminationDate: '2099-03-31' } })).body.id as string;
    const live = async () =>
      (
        await context.services.pool.query(
          `select kind, effective_date::text as date, source_id from scheduled_change
            where user_id = $1 and cancelled_at is null and fired_at is null`,
          [id],
        )
      ).rows;
    expect(await live()).toEqual([{ kind: 'deactivate', date: '2099-03-31', source_id: 'scim' }]);
    await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: `${HR}:terminationDate`, value: '2099-04-30' },
    ]);
    expect(await live()).toEqual([{ kind: 'deactivate', date: '2099-04-30', source_id: 'scim' }]);
    await scim.patch(`/Users/${id}`, [{ op: 'remove', path: `${HR}:terminationDate` }]);
    expect(await live()).toEqual([]);
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining(['scheduled_change.created', 'scheduled_change.cancelled']),
    );
  });

  it('deactivates with an Okta PUT (active false) and reactivates', async () => {
    const created = await create();
    const id = created.body.id as string;
    const off = await scim.put(`/Users/${id}`, { ...created.body, active: false });
    expect(off.status, off.text).toBe(200);
    expect((await row(id)).status).toBe('deactivated');
    const on = await scim.put(`/Users/${id}`, { ...created.body, active: true });
    expect(on.body.active).toBe(true);
  });

  it('uses the ETag for If-Match', async () => {
    const created = await create();
    const etag = created.headers.get('etag') as string;
    const ok = await scim.request(
      'PATCH',
      `/Users/${created.body.id}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'A' }],
      },
      { 'if-match': etag },
    );
    expect(ok.status, ok.text).toBe(200);
    const stale = await scim.request(
      'PATCH',
      `/Users/${created.body.id}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'B' }],
      },
      { 'if-match': etag },
    );
    expectScimError(stale, 412);
  });
});
