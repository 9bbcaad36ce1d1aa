import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../server/directory/entities.ts';
import { fireDueChanges } from '../../server/sources/hr/schedule/fire.ts';
import { rescheduleFromDates } from '../../server/sources/hr/schedule/reschedule.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
});
afterAll(async () => {
  context.setNow(undefined);
  await context.close();
});

const PASSWORD = 'a long enough passphrase';

describe('a new hire enrolling before their first day', () => {
  it('stays pending after enrollment, cannot log in, and becomes active on the start day', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const hire = await createPerson(context.services, { role: 'staff', status: 'pending' });
    const start = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await context.services.pool.query('update app_user set hire_date = $2 where id = $1', [
      hire.id,
      start,
    ]);
    await context.services.orm.em.fork().transactional((em) =>
      rescheduleFromDates(em, {
        userIds: [hire.id],
        sourceId: 'hr-import',
        actorLabel: 'source:hr-import',
        actorId: null,
        now: new Date(),
        timeZone: 'Europe/Moscow',
      }),
    );
    const link = await admin.post<{ url: string }>(`/api/v1/users/${hire.id}/enrollment-link`);
    expect(link.status).toBe(201);
    const token = new URL(link.body.url.replace('#/', '')).searchParams.get('token');
    const anonymous = new ApiClient(context.baseUrl);
    const done = await anonymous.post('/api/v1/enrollment', { token, password: PASSWORD });
    expect(done.status).toBe(204);
    const em = context.services.orm.em.fork();
    const enrolled = await em.findOneOrFail(User, { id: hire.id });
    expect(enrolled.status).toBe('pending');
    expect(enrolled.passwordHash).not.toBeNull();

    const refused = await new ApiClient(context.baseUrl).post<{ next?: string }>(
      '/api/v1/session',
      { username: hire.username, password: PASSWORD },
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.next).toBeUndefined();

    // The start day in Moscow: the scheduled activation fires and the login proceeds.
    context.setNow(new Date(`${start}T00:00:00+03:00`));
    expect(await fireDueChanges(context.services)).toEqual({ fired: 1, skipped: 0 });
    context.setNow(undefined);
    const activated = await em.fork().findOneOrFail(User, { id: hire.id });
    expect(activated.status).toBe('active');
    const allowed = await new ApiClient(context.baseUrl).post<{ next?: string }>(
      '/api/v1/session',
      { username: hire.username, password: PASSWORD },
    );
    expect(allowed.body.next).toBe('totp_enroll');
  });

  it('activates on enrollment when no future start is scheduled (unchanged behaviour)', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { role: 'staff', status: 'pending' });
    const link = await admin.post<{ url: string }>(`/api/v1/users/${person.id}/enrollment-link`);
    const token = new URL(link.body.url.replace('#/', '')).searchParams.get('token');
    const done = await new ApiClient(context.baseUrl).post('/api/v1/enrollment', {
      token,
      password: PASSWORD,
    });
    expect(done.status).toBe(204);
    const reloaded = await context.services.orm.em.fork().findOneOrFail(User, { id: person.id });
    expect(reloaded.status).toBe('active');
  });
});
