import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rescheduleFromDates } from '../../server/sources/hr/schedule/reschedule.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
});

afterAll(async () => {
  await context.close();
});

interface Live {
  id: string;
  kind: string;
  effective_date: string;
  effective_at: Date;
  source_id: string;
  cancelled_at: Date | null;
  cancelled_by: string | null;
}

async function setDates(
  userId: string,
  dates: { hire?: string | null; termination?: string | null; status?: string },
) {
  await context.services.pool.query(
    `update app_user set hire_date = $2, termination_date = $3, status = coalesce($4, status)
      where id = $1`,
    [userId, dates.hire ?? null, dates.termination ?? null, dates.status ?? null],
  );
}

async function reschedule(
  userIds: string[],
  now: Date,
  timeZone = 'Europe/Moscow',
  sourceId = 'hr-import',
) {
  return context.services.orm.em.fork().transactional((em) =>
    rescheduleFromDates(em, {
      userIds,
      sourceId,
      actorLabel: `source:${sourceId}`,
      actorId: null,
      now,
      timeZone,
    }),
  );
}

async function changes(userId: string): Promise<Live[]> {
  const { rows } = await context.services.pool.query<Live>(
    `select id, kind, effective_date::text as effective_date, effective_at, source_id, cancelled_at,
            cancelled_by
       from scheduled_change where user_id = $1 order by created_at, id`,
    [userId],
  );
  return rows;
}

const live = async (userId: string) => (await changes(userId)).filter((c) => !c.cancelled_at);

describe('rescheduleFromDates', () => {
  it('does nothing for no people', async () => {
    expect(await reschedule([], new Date())).toEqual([]);
  });

  it('schedules a deactivation at the end of the termination day in Moscow (UTC+3)', async () => {
    const person = await createPerson(context.services);
    await setDates(person.id, { termination: '2031-03-15' });
    const events = await reschedule([person.id], new Date('2031-03-01T00:00:00Z'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'scheduled_change.created',
      targetType: 'user',
      targetId: person.id,
      targetLabel: person.username,
      details: {
        kind: 'deactivate',
        effectiveDate: '2031-03-15',
        effectiveAt: '2031-03-15T21:00:00.000Z',
        sourceId: 'hr-import',
      },
    });
    const rows = await live(person.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.effective_at.toISOString()).toBe('2031-03-15T21:00:00.000Z');
    expect(events[0]?.details?.scheduledChangeId).toBe(rows[0]?.id);
    // Again with the same dates: nothing changes, nothing is audited.
    expect(await reschedule([person.id], new Date('2031-03-02T00:00:00Z'))).toEqual([]);
    expect(await changes(person.id)).toHaveLength(1);
  });

  it('uses the configured zone: Asia/Yekaterinburg (UTC+5)', async () => {
    const person = await createPerson(context.services);
    await setDates(person.id, { termination: '2031-07-01' });
    await reschedule([person.id], new Date('2031-06-01T00:00:00Z'), 'Asia/Yekaterinburg');
    const rows = await live(person.id);
    expect(rows[0]?.effective_at.toISOString()).toBe('2031-07-01T19:00:00.000Z');
  });

  it('handles a zone with daylight saving time (Europe/Berlin) in summer and winter', async () => {
    const summer = await createPerson(context.services);
    const winter = await createPerson(context.services);
    await setDates(summer.id, { termination: '2031-07-01' });
    await setDates(winter.id, { termination: '2031-01-10' });
    await reschedule([summer.id, winter.id], new Date('2030-12-01T00:00:00Z'), 'Europe/Berlin');
    expect((await live(summer.id))[0]?.effective_at.toISOString()).toBe('2031-07-01T22:00:00.000Z');
    expect((await live(winter.id))[0]?.effective_at.toISOString()).toBe('2031-01-10T23:00:00.000Z');
  });

  it('moves the change when the date changes, and cancels it when the date is cleared', async () => {
    const person = await createPerson(context.services);
    await setDates(person.id, { termination: '2031-03-15' });
    await reschedule([person.id], new Date('2031-03-01T00:00:00Z'));
    const [first] = await live(person.id);
    await setDates(person.id, { termination: '2031-04-30' });
    const moved = await reschedule(
      [person.id],
      new Date('2031-03-02T00:00:00Z'),
      'Europe/Moscow',
      'scim',
    );
    expect(moved).toEqual([
      expect.objectContaining({
        action: 'scheduled_change.updated',
        details: expect.objectContaining({
          effectiveDate: '2031-04-30',
          effectiveAt: '2031-04-30T21:00:00.000Z',
          sourceId: 'scim',
          scheduledChangeId: first?.id,
          previous: {
            effectiveDate: '2031-03-15',
            effectiveAt: '2031-03-15T21:00:00.000Z',
            sourceId: 'hr-import',
          },
        }),
      }),
    ]);
    const rows = await changes(person.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: first?.id,
      effective_date: '2031-04-30',
      source_id: 'scim',
    });

    await setDates(person.id, { termination: null });
    const cancelled = await reschedule([person.id], new Date('2031-03-03T00:00:00Z'));
    expect(cancelled.map((e) => e.action)).toEqual(['scheduled_change.cancelled']);
    expect(await live(person.id)).toEqual([]);
    expect((await changes(person.id))[0]?.cancelled_by).toBe('source:hr-import');
  });

  it('cancels when the termination day has already ended, and for a deactivated person', async () => {
    const past = await createPerson(context.services);
    const gone = await createPerson(context.services);
    await setDates(past.id, { termination: '2031-03-15' });
    await setDates(gone.id, { termination: '2031-03-15' });
    await reschedule([past.id, gone.id], new Date('2031-03-01T00:00:00Z'));
    await setDates(past.id, { termination: '2031-02-10' });
    await setDates(gone.id, { termination: '2031-03-15', status: 'deactivated' });
    const events = await reschedule([past.id, gone.id], new Date('2031-03-01T00:00:00Z'));
    expect(events.map((e) => e.action).sort()).toEqual([
      'scheduled_change.cancelled',
      'scheduled_change.cancelled',
    ]);
    expect(await live(past.id)).toEqual([]);
    expect(await live(gone.id)).toEqual([]);
    // The day ended a minute ago: no change scheduled (the channel deactivates directly).
    const justEnded = await createPerson(context.services);
    await setDates(justEnded.id, { termination: '2031-03-15' });
    expect(await reschedule([justEnded.id], new Date('2031-03-15T21:01:00Z'))).toEqual([]);
  });

  it('keeps a deactivation scheduled by hand when HR has no termination date', async () => {
    const person = await createPerson(context.services);
    await context.services.pool.query(
      `insert into scheduled_change (id, user_id, kind, effective_date, effective_at, source_id, created_by)
       values (gen_random_uuid(), $1, 'deactivate', '2031-05-01', '2031-05-01T21:00:00Z', 'manual', 'user:x')`,
      [person.id],
    );
    expect(await reschedule([person.id], new Date('2031-03-01T00:00:00Z'))).toEqual([]);
    expect(await live(person.id)).toHaveLength(1);
    // HR then gives a date: the one live change moves to HR's day and becomes HR's.
    await setDates(person.id, { termination: '2031-04-01' });
    const events = await reschedule([person.id], new Date('2031-03-01T00:00:00Z'));
    expect(events.map((e) => e.action)).toEqual(['scheduled_change.updated']);
    expect(await live(person.id)).toEqual([
      expect.objectContaining({ effective_date: '2031-04-01', source_id: 'hr-import' }),
    ]);
  });

  it('schedules the activation of a pending new hire at the start of the hire day', async () => {
    const hire = await createPerson(context.services, { status: 'pending' });
    const active = await createPerson(context.services);
    await setDates(hire.id, { hire: '2031-09-01' });
    await setDates(active.id, { hire: '2031-09-01' });
    const events = await reschedule([hire.id, active.id], new Date('2031-08-01T00:00:00Z'));
    expect(events).toEqual([
      expect.objectContaining({
        action: 'scheduled_change.created',
        targetId: hire.id,
        details: expect.objectContaining({
          kind: 'activate',
          effectiveDate: '2031-09-01',
          effectiveAt: '2031-08-31T21:00:00.000Z',
        }),
      }),
    ]);
    expect(await live(active.id)).toEqual([]);
    // Hire date moved into the past: the activation is cancelled.
    await setDates(hire.id, { hire: '2031-07-01' });
    const cancelled = await reschedule([hire.id], new Date('2031-08-02T00:00:00Z'));
    expect(cancelled.map((e) => [e.action, e.details?.kind])).toEqual([
      ['scheduled_change.cancelled', 'activate'],
    ]);
  });

  it('handles both kinds for one person and a batch of many in one call', async () => {
    const people = await Promise.all(
      Array.from({ length: 30 }, () => createPerson(context.services, { status: 'pending' })),
    );
    await context.services.pool.query(
      `update app_user set hire_date = '2031-09-01', termination_date = '2031-12-31'
        where id = any($1::uuid[])`,
      [people.map((p) => p.id)],
    );
    const events = await reschedule(
      people.map((p) => p.id),
      new Date('2031-08-01T00:00:00Z'),
    );
    expect(events).toHaveLength(60);
    const { rows } = await context.services.pool.query<{ n: number }>(
      `select count(*)::int as n from scheduled_change
        where user_id = any($1::uuid[]) and cancelled_at is null and fired_at is null`,
      [people.map((p) => p.id)],
    );
    expect(rows[0]?.n).toBe(60);
  });
});
