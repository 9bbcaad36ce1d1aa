import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { TEST_MS } from '../support/timeouts.ts';
import { dayOf, type Point } from './support.ts';

/*
 * The dashboard's people-by-status series is counted back from today (getStatistics.ts): today's
 * counts less what happened after each day. This compares it, on random histories, with the
 * series by its definition: on each day, everyone created by then, in the status the first
 * change after that day left (or the one they have now), computed here from the rows.
 */

const STATUSES = ['pending', 'active', 'suspended', 'deactivated'] as const;
type Status = (typeof STATUSES)[number];
const DAY = 86_400_000;
const PEOPLE = 8;

/** One person's generated life: when they were created, in which status, and what followed. */
interface Life {
  createdAgoMs: number;
  created: Status;
  /** Each change: time after the one before (or after the creation), and the status it leaves. */
  changes: { afterMs: number; to: Status }[];
}

const status = fc.constantFrom(...STATUSES);
const life: fc.Arbitrary<Life> = fc.record({
  createdAgoMs: fc.integer({ min: 0, max: 70 * DAY }),
  created: status,
  changes: fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 20 * DAY }), to: status }), {
    maxLength: 4,
  }),
});

let context: TestContext;
let db: pg.Client;
let ids: string[] = [];
let viewer: Awaited<ReturnType<typeof signedIn>>;

beforeAll(async () => {
  context = await startTestContext();
  // The database administrator's connection: the histories are written here (test setup only).
  db = new pg.Client(context.databaseUrl);
  await db.connect();
  viewer = await signedIn(context, 'auditor');
  ids = [];
  for (let n = 0; n < PEOPLE; n += 1) ids.push((await createPerson(context.services)).id);
});
afterAll(async () => {
  await db?.end();
  await context?.close();
});

/** Gives the generated people these lives: their creation, status and history rows. */
async function live(lives: readonly Life[], now: number): Promise<void> {
  await db.query('delete from user_status_change where user_id = any($1::uuid[])', [ids]);
  for (const [index, person] of lives.entries()) {
    const id = ids[index] as string;
    let at = now - person.createdAgoMs;
    let current: Status = person.created;
    await db.query('update app_user set created_at = $2 where id = $1', [id, new Date(at)]);
    for (const change of person.changes) {
      // Never in the future: the lifecycle records a change when it happens.
      at = Math.min(now, at + change.afterMs);
      if (change.to === current) continue;
      await db.query(
        `insert into user_status_change (user_id, from_status, to_status, changed_at, actor_label, door)
         values ($1, $2, $3, $4, 'test', 'console')`,
        [id, current, change.to, new Date(at)],
      );
      current = change.to;
    }
    await db.query('update app_user set status = $2 where id = $1', [id, current]);
  }
}

/** The series by its definition, from every person and change in the database. */
async function bySeriesDefinition(from: string, to: string): Promise<Point[]> {
  const people = await db.query<{ id: string; status: Status; created_at: Date }>(
    'select id, status, created_at from app_user',
  );
  const changes = await db.query<{ user_id: string; from_status: Status; changed_at: Date }>(
    'select user_id, from_status, changed_at from user_status_change order by changed_at, id',
  );
  const byPerson = new Map<string, { day: string; from: Status }[]>();
  for (const change of changes.rows) {
    const list = byPerson.get(change.user_id) ?? [];
    list.push({ day: dayOf(change.changed_at), from: change.from_status });
    byPerson.set(change.user_id, list);
  }
  const points: Point[] = [];
  for (let day = from; day <= to; ) {
    const point: Point = { day, pending: 0, active: 0, suspended: 0, deactivated: 0 };
    for (const person of people.rows) {
      if (dayOf(person.created_at) > day) continue;
      const next = (byPerson.get(person.id) ?? []).find((change) => change.day > day);
      point[next ? next.from : person.status] += 1;
    }
    points.push(point);
    const date = new Date(`${day}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + 1);
    day = date.toISOString().slice(0, 10);
  }
  return points;
}

describe('the dashboard: people by status over time', () => {
  it(
    'counted back from today equals the series by its definition (property)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(life, { minLength: PEOPLE, maxLength: PEOPLE }),
          fc.integer({ min: 1, max: 12 }),
          async (lives, weeks) => {
            await live(lives, Date.now());
            const response = await viewer.api.get<{
              from: string;
              to: string;
              people: { byStatus: Point[] };
            }>(`/api/v1/statistics?weeks=${weeks}`);
            expect(response.status, response.text).toBe(200);
            const { from, to, people } = response.body;
            expect(people.byStatus).toEqual(await bySeriesDefinition(from, to));
          },
        ),
        { numRuns: 40 },
      );
    },
    TEST_MS,
  );
});
