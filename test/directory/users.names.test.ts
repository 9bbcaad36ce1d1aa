import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventView } from '../../server/commands/auditLog/query.ts';
import type { User } from '../../server/directory/entities.ts';
import type { UserView } from '../../server/directory/users/presentUser.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

// People by name (issue 16, scope 3): initials in search, full names in views, "initiated by"
// as a reference to a person, names and actor kinds in the audit log.

type Page = { data: UserView[]; total: number };
type AuditPage = { data: AuditEventView[] };

let context: TestContext;
let staff: { user: User; api: ApiClient };
let auditor: { user: User; api: ApiClient };
const people: Record<string, User> = {};

beforeAll(async () => {
  context = await startTestContext();
  staff = await signedIn(context, 'staff', { familyName: 'Кузнецова', givenName: 'Ольга' });
  auditor = await signedIn(context, 'auditor', { familyName: 'Ревизорова', givenName: 'Анна' });
  const make = async (key: string, familyName: string, givenName: string, middleName?: string) => {
    people[key] = await createPerson(context.services, { familyName, givenName, middleName });
  };
  await make('dmitryI', 'Бондаренко', 'Дмитрий', 'Игоревич');
  await make('denisA', 'Бондаренко', 'Денис', 'Андреевич');
  await make('ivanD', 'Бондаренко', 'Иван', 'Дмитриевич');
  await make('yolkina', 'Ёлкина', 'Елена', 'Ёсифовна');
  await make('noPatronymic', 'Бондаренко', 'Дарья');
  await make('smith', 'Smith', 'John');
});
afterAll(async () => {
  await context.close();
});

async function search(text: string): Promise<string[]> {
  const response = await staff.api.get<Page>(
    `/api/v1/users?q=${encodeURIComponent(text)}&limit=100`,
  );
  expect(response.status, text).toBe(200);
  return response.body.data.map((person) => person.id);
}
const idOf = (key: string) => people[key]?.id;

describe('search by «Фамилия И.О.» and initials', () => {
  it('finds the one person the initials name, written every usual way', async () => {
    for (const text of [
      'Бондаренко Д.И.',
      'Бондаренко Д. И.',
      'Бондаренко Д.И',
      'бондаренко д. и',
      'БОНДАРЕНКО Д.И.',
      'Д.И. Бондаренко',
      'Д. И. Бондаренко',
      'Д.И.Бондаренко',
      'Бондаренко, Д.И.',
    ]) {
      expect(await search(text), text).toEqual([idOf('dmitryI')]);
    }
  });

  it('reads the first initial as the given name and the second as the patronymic', async () => {
    expect(await search('Бондаренко И.Д.')).toEqual([idOf('ivanD')]);
    expect(await search('Бондаренко Д.А.')).toEqual([idOf('denisA')]);
  });

  it('returns every match of an ambiguous query, and nothing for a wrong one', async () => {
    const ambiguous = await search('Бондаренко Д.');
    expect(ambiguous.sort()).toEqual(
      [idOf('dmitryI'), idOf('denisA'), idOf('noPatronymic')].sort(),
    );
    // A lone letter without a dot matches any word start, the patronymic's too (Дмитриевич).
    const prefix = await search('Бондаренко Д');
    expect(prefix.sort()).toEqual(
      [idOf('dmitryI'), idOf('denisA'), idOf('noPatronymic'), idOf('ivanD')].sort(),
    );
    expect(await search('Бондаренко Д.Я.')).toEqual([]);
    expect(await search('Бондаренко А.И.')).toEqual([]);
    expect(await search('Бондаренко Д.И. Smith')).toEqual([]);
    // Without a patronymic, two initials cannot match.
    expect(await search('Бондаренко Д.Д.')).toEqual([]);
  });

  it('finds full names in any order, case-insensitively, with ё and е alike', async () => {
    for (const text of [
      'Бондаренко Дмитрий Игоревич',
      'Дмитрий Игоревич Бондаренко',
      'игоревич бондаренко дмитрий',
      'Дмитрий Бондаренко',
    ]) {
      expect(await search(text), text).toEqual([idOf('dmitryI')]);
    }
    for (const text of ['Елкина Е.Е.', 'ЁЛКИНА Е.Ё.', 'Ёлкина Ё. Е.', 'елкина елена есифовна']) {
      expect(await search(text), text).toEqual([idOf('yolkina')]);
    }
    expect(await search('Smith J.')).toEqual([idOf('smith')]);
  });

  it('treats hostile input as literal text, and refuses an over-long query at its field', async () => {
    for (const text of ['%.%.', '_._.', '\\.\\.', 'Бондаренко %.', 'Бондаренко _', '%%%', '\\']) {
      expect(await search(text), text).toEqual([]);
    }
    // 99 initials in a row: read as «Д.Д.» (given name and patronymic), nobody here.
    expect(await search('Д.'.repeat(99))).toEqual([]);
    expect(await search(`Бондаренко ${'Д.'.repeat(90)}`)).toEqual([]);
    const long = await staff.api.get<{ code: string; errors: { path: string }[] }>(
      `/api/v1/users?q=${encodeURIComponent('Бондаренко '.repeat(30))}`,
    );
    expect(long.status).toBe(400);
    expect(long.body.code).toBe('validation_failed');
    expect(long.body.errors.map((error) => error.path)).toContain('q');
  });
});

describe('full names in views', () => {
  it('lists and shows «Фамилия Имя Отчество»', async () => {
    const page = await staff.api.get<Page>(`/api/v1/users?q=${encodeURIComponent('Д.И. Бонд')}`);
    expect(page.body.data.map((person) => person.fullName)).toEqual([
      'Бондаренко Дмитрий Игоревич',
    ]);
    const card = await staff.api.get<UserView>(`/api/v1/users/${idOf('noPatronymic')}`);
    expect(card.body.fullName).toBe('Бондаренко Дарья');
  });
});

describe('initiated by a person of the directory', () => {
  it('stores the reference, shows it by name on the card and in the list, and audits it', async () => {
    const initiator = people.dmitryI as User;
    const created = await staff.api.post<UserView>('/api/v1/users', {
      familyName: 'Новикова',
      givenName: 'Мария',
      middleName: 'Петровна',
      initiatedById: initiator.id,
    });
    expect(created.status).toBe(201);
    const reference = {
      id: initiator.id,
      displayName: initiator.displayName,
      fullName: 'Бондаренко Дмитрий Игоревич',
    };
    expect(created.body).toMatchObject({ initiatedBy: null, initiatedByPerson: reference });
    const card = await staff.api.get<UserView>(`/api/v1/users/${created.body.id}`);
    expect(card.body.initiatedByPerson).toEqual(reference);
    const listed = await staff.api.get<Page>(
      `/api/v1/users?q=${encodeURIComponent('Новикова М.П.')}`,
    );
    expect(listed.body.data.map((person) => person.initiatedByPerson)).toEqual([reference]);
    const events = await auditor.api.get<AuditPage>(
      `/api/v1/audit-events?action=user.created&targetId=${created.body.id}`,
    );
    expect(events.body.data[0]?.diff).toMatchObject({ after: { initiatedById: initiator.id } });
  });

  it('keeps free text for someone outside the directory, and changes the reference by edit', async () => {
    const created = await staff.api.post<UserView>('/api/v1/users', {
      familyName: 'Гостева',
      givenName: 'Вера',
      initiatedBy: 'Письмо ООО «Подрядчик» № 17',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      initiatedBy: 'Письмо ООО «Подрядчик» № 17',
      initiatedByPerson: null,
    });
    const admin = await signedIn(context, 'admin');
    const edited = await admin.api.patch<UserView>(`/api/v1/users/${created.body.id}`, {
      version: created.body.version,
      initiatedById: idOf('denisA'),
    });
    expect(edited.status).toBe(200);
    expect(edited.body.initiatedByPerson?.fullName).toBe('Бондаренко Денис Андреевич');
    const cleared = await admin.api.patch<UserView>(`/api/v1/users/${created.body.id}`, {
      version: edited.body.version,
      initiatedById: null,
    });
    expect(cleared.body.initiatedByPerson).toBeNull();
  });

  it('refuses a reference to nobody at the field, and a malformed one', async () => {
    const nobody = await staff.api.post<{ code: string; errors: { path: string }[] }>(
      '/api/v1/users',
      { familyName: 'Пустова', givenName: 'Нина', initiatedById: randomUUID() },
    );
    expect(nobody.status).toBe(422);
    expect(nobody.body.code).toBe('initiator_not_found');
    expect(nobody.body.errors).toEqual([expect.objectContaining({ path: 'initiatedById' })]);
    const malformed = await staff.api.post<{ code: string; errors: { path: string }[] }>(
      '/api/v1/users',
      { familyName: 'Пустова', givenName: 'Нина', initiatedById: "1' or '1'='1" },
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((error) => error.path)).toContain('initiatedById');
    const found = await search('Пустова');
    expect(found).toEqual([]);
  });
});

describe('the audit log by name', () => {
  it('names people as actors and targets, and other actors by their kind', async () => {
    const target = people.smith as User;
    const deactivated = await staff.api.post(`/api/v1/users/${target.id}/deactivate`, {
      reason: 'Уволен',
    });
    expect(deactivated.status).toBe(200);
    const page = await auditor.api.get<AuditPage>(
      `/api/v1/audit-events?action=user.deactivated&targetId=${target.id}`,
    );
    const [event] = page.body.data;
    expect(event?.actor).toMatchObject({
      id: staff.user.id,
      kind: 'person',
      person: { fullName: 'Кузнецова Ольга', displayName: staff.user.displayName },
    });
    expect(event?.target.person).toEqual({ fullName: 'Smith John', displayName: 'John Smith' });
    // The card's status history names the person who made the change.
    const history = await auditor.api.get<{
      data: { actorId: string | null; actorName: string | null; actorKind: string }[];
    }>(`/api/v1/users/${target.id}/status-history`);
    expect(history.body.data[0]).toMatchObject({
      actorId: staff.user.id,
      actorName: 'Кузнецова Ольга',
      actorKind: 'person',
    });
    const one = await auditor.api.get<AuditEventView>(`/api/v1/audit-events/${event?.id}`);
    expect(one.body.actor.person?.fullName).toBe('Кузнецова Ольга');
    expect(one.body.target.person?.fullName).toBe('Smith John');

    // A refused SCIM token is audited with no person behind it.
    const scim = await fetch(`${context.baseUrl}/scim/v2/Users`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(scim.status).toBe(401);
    const refusals = await auditor.api.get<AuditPage>('/api/v1/audit-events?outcome=failure');
    const refused = refusals.body.data.find((e) => e.actor.label === 'scim-client');
    expect(refused?.actor).toMatchObject({ id: null, kind: 'scim', person: null });
    const listed = await auditor.api.get<AuditPage>('/api/v1/audit-events?action=audit.listed');
    expect(listed.body.data[0]?.target.person).toBeNull();
  });
});

describe('space members by name', () => {
  it('lists members with «Фамилия Имя Отчество»', async () => {
    const spaceId = randomUUID();
    const em = context.services.orm.em.fork();
    await em.execute("insert into space (id, name) values (?, 'Проект Имён')", [spaceId]);
    await em.execute('insert into space_member (space_id, user_id) values (?, ?)', [
      spaceId,
      idOf('dmitryI'),
    ]);
    const members = await auditor.api.get<{ data: { fullName: string }[] }>(
      `/api/v1/spaces/${spaceId}/members`,
    );
    expect(members.body.data.map((member) => member.fullName)).toEqual([
      'Бондаренко Дмитрий Игоревич',
    ]);
  });
});
