import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeBound } from '../../server/db/execute.ts';
import { corePersonPayloadSql } from '../../server/directory/people/corePerson.ts';
import { withCoreAccounts } from '../../server/outbox/coreAccounts.ts';
import { coreEvents } from '../../server/sources/reconcile/outbox.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

describe('what a sync batch tells the messaging core of profiles', () => {
  it('maps creates and updates to upserts, in batch order, one query', async () => {
    const person = (familyName: string) => createPerson(context.services, { familyName });
    const a = await person('Алексеев');
    const b = await person('Борисов');
    const noAccount = await createPerson(context.services);
    const em = context.services.orm.em.fork();
    // A person without a username has no account in the core and gets no event.
    await em.execute('update app_user set username = null where id = ?', [noAccount.id]);
    const events = await coreEvents(em, [
      { id: b.id, action: 'update' },
      { id: noAccount.id, action: 'update' },
      { id: a.id, action: 'create' },
    ]);
    expect(events.map((event) => [event.type, event.key])).toEqual([
      ['person.upserted', b.id],
      ['person.upserted', a.id],
    ]);
    expect(events[1]).toMatchObject({
      person: { userId: a.id, username: a.username, familyName: 'Алексеев' },
    });
    expect(await coreEvents(em, [])).toEqual([]);
  });

  it('the SQL payload of a bulk create is what the JavaScript path stores, field for field', async () => {
    const em = context.services.orm.em.fork();
    const [org] = await em.execute<{ id: string }[]>(
      `insert into organization (id, name, kind) values (gen_random_uuid(), 'Отдел «Снабжение» \\ "А"', 'department') returning id`,
    );
    const plain = await createPerson(context.services, { familyName: 'Простов' });
    const full = await createPerson(context.services, { familyName: 'Полнов' });
    await em.execute(
      `update app_user set middle_name = 'Ильич', email = 'full@corp.example', phone = '+79161234567',
              title = 'Инженер "первой" категории', organization_id = ? where id = ?`,
      [org?.id, full.id],
    );
    const ids = [plain.id, full.id];
    const fromJs = await withCoreAccounts(
      em,
      await coreEvents(
        em,
        ids.map((id) => ({ id, action: 'create' as const })),
      ),
    );
    const fromSql = await executeBound<{ payload: unknown }>(
      em,
      `select ${corePersonPayloadSql('u', 'o.name')} as payload
         from app_user u left join organization o on o.id = u.organization_id
        where u.id = any(?::uuid[]) order by array_position(?::uuid[], u.id)`,
      [`{${ids.join(',')}}`, `{${ids.join(',')}}`],
    );
    expect(fromSql.map((row) => row.payload)).toEqual(fromJs);
  });
});
