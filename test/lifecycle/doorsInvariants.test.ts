import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import { runCli } from '../support/cli.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import {
  atConsole,
  consoleOk,
  type Door,
  expectUnchanged,
  fireSchedule,
  type HrRow,
  hrFile,
  hrSubject,
  importHr,
  inBulk,
  inWorld,
  manualSubject,
  planOf,
  ROW_TIMEOUT,
  type Run,
  SCIM_OPS,
  type Subject,
  scimSubject,
  snapshot,
  unique,
  type Verb,
  type World,
} from './doorsSupport.ts';

/*
 * Issue 11, the invariants of the door table (docs/lifecycle.md, "The state table"), each as its
 * own rows: the last active superadmin, rank, a person's decision that a source cannot undo, and
 * deactivated outranking suspended. The directory door's rows are in doorsDirectory.test.ts.
 */

const RACE_ROUNDS = 10;

/** How one side of a race ended. */
type RaceSide = 'changed' | 'refused' | 'signed_out' | `unexpected ${string}`;

async function activeSuperadmins(world: World): Promise<number> {
  const { rows } = await world.context.services.pool.query<{ n: number }>(
    `select count(*)::int as n from app_user where role = 'superadmin' and status = 'active'`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Two superadmins, the only active ones, each ask to remove the other at the same moment, round
 * after round (the survivor meets a new rival), until one of them is refused by the guard. A
 * person's door can reach the last active superadmin only this way: a superadmin acting alone is
 * never the last one, and nobody acts on themselves. In every round exactly one request wins and
 * the other is refused (or, when the winner's change ended its session first, answered 401); the
 * survivor is left exactly as they were.
 */
async function raceForTheLast(
  world: World,
  attempt: (api: ApiClient, targetId: string) => Promise<RaceSide>,
): Promise<void> {
  let survivor = await signedIn(world.context, 'superadmin');
  let refused = false;
  for (let round = 1; round <= RACE_ROUNDS && !refused; round += 1) {
    const rival = await signedIn(world.context, 'superadmin');
    expect(await activeSuperadmins(world)).toBe(2);
    const before = {
      [survivor.user.id]: await snapshot(world, survivor.user.id),
      [rival.user.id]: await snapshot(world, rival.user.id),
    };
    const [bySurvivor, byRival] = await Promise.all([
      attempt(survivor.api, rival.user.id),
      attempt(rival.api, survivor.user.id),
    ]);
    const sides = [bySurvivor, byRival];
    expect(
      sides.filter((side) => side === 'changed'),
      `round ${round}: ${sides}`,
    ).toHaveLength(1);
    const loser = bySurvivor === 'changed' ? byRival : bySurvivor;
    expect(['refused', 'signed_out'], `round ${round}: ${sides}`).toContain(loser);
    refused = loser === 'refused';
    if (byRival === 'changed') survivor = rival;
    expect(await activeSuperadmins(world)).toBe(1);
    const left = before[survivor.user.id];
    if (!left) throw new Error('no snapshot');
    await expectUnchanged(world, survivor.user.id, left, `round ${round}: the last superadmin`);
  }
  expect(refused, `no request was refused by the guard in ${RACE_ROUNDS} rounds`).toBe(true);
}

/** One side of a console race. */
const consoleSide =
  (verb: Verb) =>
  async (api: ApiClient, targetId: string): Promise<RaceSide> => {
    const response = await atConsole(api, targetId, verb, 'race for the last superadmin');
    if (response.status === 200) return 'changed';
    if (response.status === 409 && response.body.code === 'last_superadmin') return 'refused';
    if (response.status === 401) return 'signed_out';
    return `unexpected ${response.status} ${response.text}`;
  };

/** One side of a bulk race. */
const bulkSide =
  (verb: Verb) =>
  async (api: ApiClient, targetId: string): Promise<RaceSide> => {
    const response = await inBulk(api, [targetId], verb, 'race for the last superadmin');
    if (response.status === 401) return 'signed_out';
    const { changed = [], skipped = [] } = response.status === 200 ? response.body : {};
    if (
      response.status === 200 &&
      skipped.length === 0 &&
      JSON.stringify(changed).includes(targetId)
    )
      return 'changed';
    if (
      response.status === 200 &&
      changed.length === 0 &&
      skipped.length === 1 &&
      skipped[0]?.id === targetId &&
      skipped[0]?.code === 'last_superadmin'
    )
      return 'refused';
    return `unexpected ${response.status} ${response.text}`;
  };

/** The only active superadmin of a world (made by hand), with an employee number for HR. */
async function onlySuperadmin(world: World): Promise<Subject & { hr: HrRow[] }> {
  const user = await createPerson(world.context.services, { role: 'superadmin' });
  expect(await activeSuperadmins(world)).toBe(1);
  const number = `S${unique()}`;
  await world.context.services.pool.query(
    'update app_user set employee_number = $2 where id = $1',
    [user.id, number],
  );
  const row: HrRow = {
    number,
    family: user.familyName,
    given: user.givenName,
    login: user.username as string,
    email: user.email as string,
    hired: '01.02.2020',
  };
  return { id: user.id, username: user.username as string, role: 'superadmin', hr: [row] };
}

/** A SCIM request against the last superadmin: refused (rank or guard), nothing changes. */
async function scimRefused(
  world: World,
  request: (world: World, id: string) => Promise<{ status: number; text: string }>,
): Promise<void> {
  const last = await onlySuperadmin(world);
  const before = await snapshot(world, last.id);
  const response = await request(world, last.id);
  // SCIM may not touch a back-office account at all (403); the guard would answer 409.
  expect([403, 409], response.text).toContain(response.status);
  await expectUnchanged(world, last.id, before, 'scim on the last superadmin');
}

interface LastSuperadminRow {
  door: Door;
  verb: Verb;
  how: string;
  run: (world: World) => Promise<void>;
}

const lastSuperadminRows: LastSuperadminRow[] = [
  ...(['deactivate', 'suspend'] as const).flatMap((verb): LastSuperadminRow[] => [
    {
      door: 'console',
      verb,
      how: '409 last_superadmin',
      run: (world) => raceForTheLast(world, consoleSide(verb)),
    },
    {
      door: 'bulk',
      verb,
      how: 'skipped with code last_superadmin',
      run: (world) => raceForTheLast(world, bulkSide(verb)),
    },
  ]),
  {
    door: 'scim',
    verb: 'deactivate',
    how: 'PATCH active false is refused',
    run: (world) =>
      scimRefused(world, (w, id) => w.scim.patch(`/Users/${id}`, SCIM_OPS.deactivate)),
  },
  {
    door: 'scim',
    verb: 'deactivate',
    how: 'DELETE is refused',
    run: (world) => scimRefused(world, (w, id) => w.scim.delete(`/Users/${id}`)),
  },
  {
    door: 'scim',
    verb: 'suspend',
    how: 'HR extension suspended: true is refused',
    run: (world) => scimRefused(world, (w, id) => w.scim.patch(`/Users/${id}`, SCIM_OPS.suspend)),
  },
  {
    door: 'hr-import',
    verb: 'deactivate',
    how: 'a passed termination date (imported by the operator CLI) is a blocked plan item',
    run: async (world) => {
      const last = await onlySuperadmin(world);
      const before = await snapshot(world, last.id);
      const [row] = last.hr;
      if (!row) throw new Error('no HR row');
      const file = join(tmpdir(), `lifecycle-last-${process.pid}-${unique()}.csv`);
      writeFileSync(file, hrFile([{ ...row, left: '01.03.2024' }]));
      // The operator CLI: no person acts, so the file may name the only active superadmin.
      const result = await runCli(world.context, ['import', file, '--apply', '--json']);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const run = JSON.parse(result.stdout) as Run;
      const plan = await planOf(world.admin, run.id, true);
      expect(plan.find((line) => line.userId === last.id)).toMatchObject({
        action: 'deactivate',
        blocked: 'last_superadmin',
      });
      await expectUnchanged(world, last.id, before, 'hr-import on the last superadmin');
    },
  },
  {
    door: 'schedule',
    verb: 'deactivate',
    how: 'the scheduled change fires as skipped',
    run: async (world) => {
      const last = await signedIn(world.context, 'superadmin');
      const other = await signedIn(world.context, 'superadmin');
      const scheduled = await other.api.post<{ id: string }>('/api/v1/scheduled-changes', {
        userId: last.user.id,
        kind: 'deactivate',
        date: '2099-06-30',
        reason: 'leaves at the end of June',
      });
      expect(scheduled.status, scheduled.text).toBe(201);
      // The one who scheduled it leaves first: the person scheduled is now the last one.
      await consoleOkAs(last.api, other.user.id, 'deactivate');
      expect(await activeSuperadmins(world)).toBe(1);
      const before = await snapshot(world, last.user.id);
      await world.at(new Date('2099-07-01T00:00:00Z'));
      expect(await fireSchedule(world)).toEqual({ fired: 0, skipped: 1 });
      const changes = await world.admin.get<{ data: { id: string; outcome: string | null }[] }>(
        `/api/v1/scheduled-changes?userId=${last.user.id}&state=all`,
      );
      expect(changes.status, changes.text).toBe(200);
      expect(changes.body.data).toEqual([
        expect.objectContaining({ id: scheduled.body.id, outcome: 'skipped' }),
      ]);
      await expectUnchanged(world, last.user.id, before, 'schedule on the last superadmin');
    },
  },
];

async function consoleOkAs(api: ApiClient, id: string, verb: Verb): Promise<void> {
  const response = await atConsole(api, id, verb);
  expect(response.status, response.text).toBe(200);
}

describe('issue 11: the last active superadmin is never deactivated or suspended', () => {
  it.each(lastSuperadminRows.map((row) => [`${row.door} ${row.verb}: ${row.how}`, row] as const))(
    '%s',
    (_name, row) => inWorld({}, row.run),
    ROW_TIMEOUT,
  );
});

interface RankRow {
  door: Door;
  verb: Verb;
  how: string;
  attempt: (staff: ApiClient, targetId: string) => Promise<void>;
}

const rankRows: RankRow[] = (['deactivate', 'suspend'] as const).flatMap((verb): RankRow[] => [
  {
    door: 'console',
    verb,
    how: '403 for staff on an admin',
    attempt: async (staff, targetId) => {
      const response = await atConsole(staff, targetId, verb);
      expect(response.status, response.text).toBe(403);
    },
  },
  {
    door: 'bulk',
    verb,
    how: 'skipped with code forbidden for staff on an admin',
    attempt: async (staff, targetId) => {
      const response = await inBulk(staff, [targetId], verb);
      expect(response.status, response.text).toBe(200);
      expect(response.body.changed, response.text).toEqual([]);
      expect(response.body.skipped, response.text).toEqual([
        expect.objectContaining({ id: targetId, code: 'forbidden' }),
      ]);
    },
  },
]);

describe('issue 11: rank holds at every door a person acts through', () => {
  it.each(rankRows.map((row) => [`${row.door} ${row.verb}: ${row.how}`, row] as const))(
    '%s',
    (_name, row) =>
      inWorld({}, async (world) => {
        const staff = await signedIn(world.context, 'staff');
        const target = await manualSubject(world, 'admin');
        const before = await snapshot(world, target.id);
        await row.attempt(staff.api, target.id);
        await expectUnchanged(world, target.id, before, `${row.door} ${row.verb} by staff`);
      }),
    ROW_TIMEOUT,
  );
});

interface StickyRow {
  source: 'scim' | 'hr-import';
  verb: Verb;
  says: string;
  subject: (world: World) => Promise<Subject>;
  sayActive: (world: World, subject: Subject) => Promise<void>;
}

/** A SCIM PATCH whose answer does not matter (200 with the person as they are, or a refusal). */
async function scimSays(world: World, id: string, operations: unknown[]): Promise<void> {
  const response = await world.scim.patch(`/Users/${id}`, operations);
  expect(response.status, response.text).toBeLessThan(500);
}

const stickyRows: StickyRow[] = [
  {
    source: 'scim',
    verb: 'deactivate',
    says: 'SCIM PATCH active: true',
    subject: scimSubject,
    sayActive: (world, s) => scimSays(world, s.id, SCIM_OPS.activate),
  },
  {
    source: 'scim',
    verb: 'suspend',
    says: 'SCIM PATCH active: true, then HR extension suspended: false',
    subject: scimSubject,
    sayActive: async (world, s) => {
      await scimSays(world, s.id, SCIM_OPS.activate);
      await scimSays(world, s.id, SCIM_OPS.lift);
    },
  },
  ...(['deactivate', 'suspend'] as const).map(
    (verb): StickyRow => ({
      source: 'hr-import',
      verb,
      says: 'an HR file that lists them without a termination date',
      subject: (world) => hrSubject(world, 0),
      sayActive: async (world, s) => {
        await importHr(world, s.hr ?? []);
      },
    }),
  ),
];

describe('issue 11: a source saying "active" never lifts a decision made by hand', () => {
  it.each(
    stickyRows.map(
      (row) =>
        [`${row.verb} at the console sticks for a ${row.source} person: ${row.says}`, row] as const,
    ),
  )(
    '%s',
    (_name, row) =>
      inWorld({}, async (world) => {
        const subject = await row.subject(world);
        await consoleOk(world, subject.id, row.verb);
        const before = await snapshot(world, subject.id);
        await row.sayActive(world, subject);
        await expectUnchanged(
          world,
          subject.id,
          before,
          `${row.source} after a manual ${row.verb}`,
        );
      }),
    ROW_TIMEOUT,
  );
});

interface OutranksRow {
  door: Door;
  how: string;
  attempt: (world: World, id: string) => Promise<void>;
}

const outranksRows: OutranksRow[] = [
  {
    door: 'console',
    how: '409 already_deactivated',
    attempt: async (world, id) => {
      const response = await atConsole(world.admin, id, 'suspend');
      expect(response.status, response.text).toBe(409);
      expect(response.body.code, response.text).toBe('already_deactivated');
    },
  },
  {
    door: 'bulk',
    how: 'skipped with code already_deactivated',
    attempt: async (world, id) => {
      const response = await inBulk(world.admin, [id], 'suspend');
      expect(response.status, response.text).toBe(200);
      expect(response.body.skipped, response.text).toEqual([
        expect.objectContaining({ id, code: 'already_deactivated' }),
      ]);
    },
  },
];

describe('issue 11: deactivated outranks suspended (suspending a deactivated person is refused)', () => {
  it.each(outranksRows.map((row) => [`${row.door} suspend: ${row.how}`, row] as const))(
    '%s',
    (_name, row) =>
      inWorld({}, async (world) => {
        const subject = await manualSubject(world);
        await consoleOk(world, subject.id, 'deactivate');
        const before = await snapshot(world, subject.id);
        await row.attempt(world, subject.id);
        await expectUnchanged(world, subject.id, before, `${row.door} suspend of a deactivated`);
      }),
    ROW_TIMEOUT,
  );
  // Deactivating a suspended person works: rows "console/bulk deactivate: a suspended person" of
  // doors.test.ts, with every effect of the door table.
});
