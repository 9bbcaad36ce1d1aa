import { describe, expect, it } from 'vitest';
import {
  arm,
  bulkOk,
  consoleOk,
  consoleStep,
  type Door,
  ddmmyyyy,
  expectDoorEffects,
  fireSchedule,
  hrSubject,
  importHr,
  inWorld,
  manualSubject,
  personOf,
  ROW_TIMEOUT,
  SCIM_OPS,
  type Status,
  type Step,
  type Subject,
  scimPatch,
  scimSubject,
  VERB,
  type Verb,
  type World,
} from './doorsSupport.ts';

/*
 * Issue 11, the door × verb table (docs/lifecycle.md, "Doors"): each row enters through one door's
 * public interface and asserts the same effects through expectDoorEffects. The directory door is
 * in doorsDirectory.test.ts (real OpenLDAP); the invariants in doorsInvariants.test.ts; the real
 * core (ejabberd) in doorsEjabberd.test.ts.
 */

/** Who a row acts on: a staff member made by hand, a SCIM person, an HR-file person. */
type SubjectKind = 'staff' | 'scim' | 'hr';
const SUBJECTS: Record<SubjectKind, (world: World) => Promise<Subject>> = {
  // Staff: they also hold a back-office session that must end.
  staff: (world) => manualSubject(world, 'staff'),
  scim: scimSubject,
  hr: (world) => hrSubject(world),
};

/** One row of the table. */
interface DoorRow {
  door: Door;
  verb: Verb;
  how: string;
  subject: SubjectKind;
  /** Earlier changes that bring the person to `from` (after their artefacts were handed out). */
  before?: Step[];
  /** The door's request; asserts the door's own answer. */
  act: (world: World, subject: Subject) => Promise<void>;
  from: Status;
  /** A fixed service clock for the whole row (the schedule door). */
  clock?: Date;
}

/** The subject's own row of its HR file. */
function ownRow(subject: Subject) {
  const [own] = subject.hr ?? [];
  if (!own) throw new Error('no HR row');
  return own;
}

const scimStep = (verb: Verb, operations: unknown[]): Step => ({
  verb,
  run: (world, subject) => scimPatch(world, subject.id, operations),
});

// The schedule row's day: 23:50 in Moscow on its last working day; the day ends at 21:00 UTC.
const LAST_DAY = '2031-05-20';
const BEFORE_MIDNIGHT = new Date(`${LAST_DAY}T20:50:00Z`);
const AFTER_MIDNIGHT = new Date(`${LAST_DAY}T21:01:00Z`);

const rows: DoorRow[] = [
  // console: an admin at the person's card.
  ...(['deactivate', 'suspend'] as const).map(
    (verb): DoorRow => ({
      door: 'console',
      verb,
      how: `POST /users/:id/${verb}`,
      subject: 'staff',
      act: (world, s) => consoleOk(world, s.id, verb),
      from: 'active',
    }),
  ),
  {
    door: 'console',
    verb: 'deactivate',
    how: 'a suspended person (deactivated outranks suspended)',
    subject: 'staff',
    before: [consoleStep('suspend')],
    act: (world, s) => consoleOk(world, s.id, 'deactivate'),
    from: 'suspended',
  },
  {
    door: 'console',
    verb: 'activate',
    how: 'lifts a suspension',
    subject: 'staff',
    before: [consoleStep('suspend')],
    act: (world, s) => consoleOk(world, s.id, 'activate'),
    from: 'suspended',
  },
  {
    door: 'console',
    verb: 'activate',
    how: 'a deactivated person',
    subject: 'staff',
    before: [consoleStep('deactivate')],
    act: (world, s) => consoleOk(world, s.id, 'activate'),
    from: 'deactivated',
  },

  // bulk: the same verbs over POST /users/bulk/{verb} {ids, reason}.
  ...(['deactivate', 'suspend'] as const).map(
    (verb): DoorRow => ({
      door: 'bulk',
      verb,
      how: `POST /users/bulk/${verb}`,
      subject: 'staff',
      act: (world, s) => bulkOk(world, s.id, verb),
      from: 'active',
    }),
  ),
  {
    door: 'bulk',
    verb: 'deactivate',
    how: 'a suspended person (deactivated outranks suspended)',
    subject: 'staff',
    before: [consoleStep('suspend')],
    act: (world, s) => bulkOk(world, s.id, 'deactivate'),
    from: 'suspended',
  },
  {
    door: 'bulk',
    verb: 'activate',
    how: 'lifts a suspension',
    subject: 'staff',
    before: [consoleStep('suspend')],
    act: (world, s) => bulkOk(world, s.id, 'activate'),
    from: 'suspended',
  },
  {
    door: 'bulk',
    verb: 'activate',
    how: 'a deactivated person',
    subject: 'staff',
    before: [consoleStep('deactivate')],
    act: (world, s) => bulkOk(world, s.id, 'activate'),
    from: 'deactivated',
  },

  // scim: the HR platform's client.
  {
    door: 'scim',
    verb: 'deactivate',
    how: 'PATCH active false',
    subject: 'scim',
    act: (world, s) => scimPatch(world, s.id, SCIM_OPS.deactivate),
    from: 'active',
  },
  {
    door: 'scim',
    verb: 'deactivate',
    how: 'DELETE /scim/v2/Users/:id',
    subject: 'scim',
    act: async (world, s) => {
      const response = await world.scim.delete(`/Users/${s.id}`);
      expect(response.status, response.text).toBe(204);
    },
    from: 'active',
  },
  {
    door: 'scim',
    verb: 'suspend',
    how: 'HR extension suspended: true',
    subject: 'scim',
    act: (world, s) => scimPatch(world, s.id, SCIM_OPS.suspend),
    from: 'active',
  },
  {
    door: 'scim',
    verb: 'activate',
    how: 'HR extension suspended: false lifts its own suspension',
    subject: 'scim',
    before: [scimStep('suspend', SCIM_OPS.suspend)],
    act: (world, s) => scimPatch(world, s.id, SCIM_OPS.lift),
    from: 'suspended',
  },
  {
    door: 'scim',
    verb: 'activate',
    how: 'active: true after its own deactivation',
    subject: 'scim',
    before: [scimStep('deactivate', SCIM_OPS.deactivate)],
    act: (world, s) => scimPatch(world, s.id, SCIM_OPS.activate),
    from: 'deactivated',
  },

  // hr-import: an uploaded file, applied.
  {
    door: 'hr-import',
    verb: 'deactivate',
    how: 'a termination date that has passed',
    subject: 'hr',
    act: async (world, s) => {
      const [own] = s.hr ?? [];
      if (!own) throw new Error('no HR row');
      await importHr(world, [{ ...own, left: '01.03.2024' }]);
    },
    from: 'active',
  },
  {
    door: 'hr-import',
    verb: 'suspend',
    how: 'a long leave in the «Состояние» column',
    subject: 'hr',
    act: (world, s) => importHr(world, [{ ...ownRow(s), state: 'декрет' }]).then(() => undefined),
    from: 'active',
  },
  {
    door: 'hr-import',
    verb: 'activate',
    how: 'back from a leave HR itself recorded',
    subject: 'hr',
    before: [
      {
        verb: 'suspend',
        run: (world, s) =>
          importHr(world, [{ ...ownRow(s), state: 'декрет' }]).then(() => undefined),
      },
    ],
    act: (world, s) => importHr(world, [{ ...ownRow(s), state: '' }]).then(() => undefined),
    from: 'suspended',
  },
  {
    door: 'hr-import',
    verb: 'deactivate',
    how: 'missing from a complete list',
    subject: 'hr',
    act: async (world, s) => {
      await importHr(world, (s.hr ?? []).slice(1), 'complete');
    },
    from: 'active',
  },

  // schedule: a termination date today; the sweep after the end of the day.
  {
    door: 'schedule',
    verb: 'deactivate',
    how: 'the end of a termination date (company time zone)',
    subject: 'hr',
    clock: BEFORE_MIDNIGHT,
    act: async (world, s) => {
      const [own] = s.hr ?? [];
      if (!own) throw new Error('no HR row');
      await importHr(world, [{ ...own, left: ddmmyyyy(LAST_DAY) }]);
      // Their last day is not over: nothing yet.
      expect((await personOf(world, s.id)).status).toBe('active');
      await world.at(AFTER_MIDNIGHT);
      const swept = await fireSchedule(world);
      expect(swept.fired, JSON.stringify(swept)).toBeGreaterThanOrEqual(1);
    },
    from: 'active',
  },
];

describe('issue 11: every door changes a status with the same effects', () => {
  it.each(rows.map((row) => [`${row.door} ${row.verb}: ${row.how}`, row] as const))(
    '%s',
    async (_name, row) => {
      await inWorld({ clock: row.clock }, async (world) => {
        const subject = await SUBJECTS[row.subject](world);
        const armed = await arm(world, subject);
        for (const step of row.before ?? []) await step.run(world, subject);
        await row.act(world, subject);
        await expectDoorEffects(world, subject, armed, {
          door: row.door,
          verb: row.verb,
          from: row.from,
          events: [
            ...(row.before ?? []).map((step) => VERB[step.verb].event),
            VERB[row.verb].event,
          ],
        });
      });
    },
    ROW_TIMEOUT,
  );
});
