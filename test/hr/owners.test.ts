import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownersOf, type UserView } from '../../server/directory/users/presentUser.ts';
import type { UserCard } from '../../server/routes/users.ts';
import { DEFAULT_PRECEDENCE } from '../../server/shared/precedence.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
let admin: ApiClient;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api: admin } = await signedIn(context, 'admin'));
});

afterAll(async () => {
  await context.close();
});

interface Problem {
  code: string;
  fields?: string[];
  owners?: Record<string, string>;
}

/** A person linked to a directory source and/or an HR channel, as the engines leave them. */
async function linked(links: { sourceId?: string; hrSourceId?: string }) {
  const person = await createPerson(context.services);
  await context.services.pool.query(
    `update app_user set source_id = $2, external_id = case when $2::text is null then null else 'guid-' || id end,
            hr_source_id = $3, employee_number = case when $3::text is null then null else 'E' || left(id::text, 6) end,
            hire_date = case when $3::text is null then null else date '2020-02-03' end,
            termination_date = case when $3::text is null then null else date '2099-12-31' end
      where id = $1`,
    [person.id, links.sourceId ?? null, links.hrSourceId ?? null],
  );
  return person;
}

const card = async (id: string) => (await admin.get<UserCard>(`/api/v1/users/${id}`)).body;

const DIRECTORY_FIELDS = [
  'displayName',
  'email',
  'familyName',
  'givenName',
  'middleName',
  'organization',
  'phone',
  'spaces',
  'title',
  'username',
];
const HR_FIELDS = [
  'email',
  'familyName',
  'givenName',
  'hireDate',
  'middleName',
  'organization',
  'phone',
  'terminationDate',
  'title',
];
const only = (fields: string[], owner: string) =>
  Object.fromEntries(fields.map((field) => [field, owner]));

describe("field owners on a person's card", () => {
  it('a manual person owns nothing to a source', async () => {
    const person = await createPerson(context.services);
    const view = await card(person.id);
    expect(view).toMatchObject({
      fieldOwners: {},
      sourceId: null,
      hrSourceId: null,
      employeeNumber: null,
      hireDate: null,
      terminationDate: null,
      scheduledChanges: [],
    });
  });

  it('a directory-linked person: the directory owns everything it provides', async () => {
    const person = await linked({ sourceId: 'corp-ad' });
    const view = await card(person.id);
    expect(view.sourceId).toBe('corp-ad');
    expect(view.fieldOwners).toEqual(only(DIRECTORY_FIELDS, 'corp-ad'));
  });

  it('an HR-linked person: HR owns names, title, department, contacts and dates', async () => {
    const person = await linked({ hrSourceId: 'hr-import' });
    const view = await card(person.id);
    expect(view).toMatchObject({
      hrSourceId: 'hr-import',
      hireDate: '2020-02-03',
      terminationDate: '2099-12-31',
    });
    expect(view.employeeNumber).toMatch(/^E/);
    expect(view.fieldOwners).toEqual(only(HR_FIELDS, 'hr-import'));
  });

  it('a person linked to both: each attribute goes to the source that wins it', async () => {
    const person = await linked({ sourceId: 'corp-ad', hrSourceId: 'scim' });
    const view = await card(person.id);
    expect(view.fieldOwners).toEqual({
      username: 'corp-ad',
      familyName: 'scim',
      givenName: 'scim',
      middleName: 'scim',
      displayName: 'corp-ad',
      email: 'corp-ad',
      phone: 'corp-ad',
      title: 'scim',
      organization: 'scim',
      hireDate: 'scim',
      terminationDate: 'scim',
      spaces: 'corp-ad',
    });
    // The list shows the same owners and dates.
    const list = await admin.get<{ data: UserView[] }>(
      `/api/v1/users?q=${encodeURIComponent(person.username ?? '')}`,
    );
    const row = list.body.data.find((u) => u.id === person.id);
    expect(row?.fieldOwners).toEqual(view.fieldOwners);
    expect(row?.hireDate).toBe('2020-02-03');
    expect(row?.sourceId).toBe('corp-ad');
  });

  it('follows the configured precedence', () => {
    const precedence = { ...DEFAULT_PRECEDENCE, familyName: 'directory' as const };
    const owners = ownersOf(
      { source: 'manual', sourceId: 'corp-ad', hrSourceId: 'hr-import' },
      precedence,
    );
    expect(owners.familyName).toBe('corp-ad');
    expect(owners.givenName).toBe('hr-import');
  });

  it('shows the live scheduled changes on the card', async () => {
    const person = await createPerson(context.services);
    const made = await admin.post<{ id: string }>('/api/v1/scheduled-changes', {
      userId: person.id,
      kind: 'deactivate',
      date: '2099-01-31',
    });
    expect(made.status).toBe(201);
    const view = await card(person.id);
    expect(view.scheduledChanges).toEqual([
      expect.objectContaining({
        id: made.body.id,
        kind: 'deactivate',
        effectiveDate: '2099-01-31',
      }),
    ]);
  });
});

describe('hand edits of owned fields', () => {
  it('refuses a field the HR feed owns and names the owner; HR-free fields stay editable', async () => {
    const person = await linked({ hrSourceId: 'hr-import' });
    const fresh = await card(person.id);
    const refused = await admin.patch<Problem>(`/api/v1/users/${person.id}`, {
      familyName: 'Ручной',
      displayName: 'Local Name',
      version: fresh.version,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('source_owned_field');
    expect(refused.body.fields).toEqual(['familyName']);
    expect(refused.body.owners).toEqual({ familyName: 'hr-import' });
    const accepted = await admin.patch<UserView>(`/api/v1/users/${person.id}`, {
      displayName: 'Local Name',
      username: 'local.login',
      familyName: fresh.familyName,
      version: fresh.version,
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.displayName).toBe('Local Name');
  });

  it('refuses the login of a person linked to both, owned by the directory', async () => {
    const person = await linked({ sourceId: 'corp-ad', hrSourceId: 'scim' });
    const fresh = await card(person.id);
    const refused = await admin.patch<Problem>(`/api/v1/users/${person.id}`, {
      username: 'renamed',
      organizationId: null,
      title: 'Руководитель',
      version: fresh.version,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('source_owned_field');
    expect(refused.body.fields?.sort()).toEqual(['title', 'username']);
    expect(refused.body.owners).toEqual({ username: 'corp-ad', title: 'scim' });
  });

  it('a manual person is edited freely', async () => {
    const person = await createPerson(context.services);
    const fresh = await card(person.id);
    const accepted = await admin.patch<UserView>(`/api/v1/users/${person.id}`, {
      familyName: 'Свободный',
      version: fresh.version,
    });
    expect(accepted.status).toBe(200);
  });
});
