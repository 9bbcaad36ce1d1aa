import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
