import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../support/factories.ts';
import {
  addLdapPerson,
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import {
  arm,
  auditOf,
  consoleOk,
  deleteLdapPerson,
  expectDoorEffects,
  expectUnchanged,
  historyOf,
  inWorld,
  ldapSubject,
  planOf,
  ROW_TIMEOUT,
  SETUP_TIMEOUT,
  type Status,
  type Step,
  type Subject,
  setLdapLocked,
  snapshot,
  syncDirectory,
  unique,
  VERB,
  type Verb,
  type World,
} from './doorsSupport.ts';

/*
 * Issue 11, the directory door against a real OpenLDAP (cheaper than Samba AD): a person disabled
 * (the lock attribute) or deleted in the directory, then a sync run through the API; enabled again
 * when the directory itself had disabled them. People sign in against the same directory (a bind
 * as themselves), so their device tokens and challenges come from real logins. Skipped loudly when
 * slapd is missing here, an error on CI (test/support/openldap.ts).
 */

let ldap: OpenLdap;

/** Disables or enables in the directory, then a full sync run that must succeed. */
async function directoryChange(
  world: World,
  subject: Subject,
  change: (uid: string) => Promise<void>,
): Promise<void> {
  if (!subject.uid) throw new Error('not a directory person');
  await change(subject.uid);
  const run = await syncDirectory(world.admin, 'full');
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
}

const lock = (locked: boolean) => (uid: string) => setLdapLocked(ldap, uid, locked);

interface DirectoryRow {
  verb: Verb;
  how: string;
  before?: Step[];
  act: (world: World, subject: Subject) => Promise<void>;
  from: Status;
  /** The codes of the plan item's reason, stored with the change for the console's words. */
  notes: string[];
}

const rows: DirectoryRow[] = [
  {
    verb: 'deactivate',
    how: 'disabled in LDAP (lock attribute), then a sync run',
    act: (world, s) => directoryChange(world, s, lock(true)),
    from: 'active',
    notes: ['disabled_in_source'],
  },
  {
    verb: 'deactivate',
    how: 'deleted from LDAP, then a full sync run',
    act: (world, s) => directoryChange(world, s, (uid) => deleteLdapPerson(ldap, uid)),
    from: 'active',
    notes: ['not_found_in_source'],
  },
  {
    verb: 'activate',
    how: 'enabled again in LDAP after the directory itself disabled them',
    before: [{ verb: 'deactivate', run: (world, s) => directoryChange(world, s, lock(true)) }],
    act: (world, s) => directoryChange(world, s, lock(false)),
    from: 'deactivated',
    notes: ['enabled_again'],
  },
];

describe.skipIf(!slapdAvailable)('issue 11: the directory door (real OpenLDAP)', () => {
  beforeAll(async () => {
    // Colleagues, so that a full read without the person is not an empty (refused) read.
    ldap = await startOpenLdap({
      ldif: ['kollega1', 'kollega2', 'kollega3']
        .map((uid) => personLdif({ uid, sn: uid, givenName: 'Kollega' }))
        .join('\n'),
    });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ldap?.close();
  });

  it.each(rows.map((row) => [`directory ${row.verb}: ${row.how}`, row] as const))(
    '%s',
    (_name, row) =>
      inWorld({ ldap }, async (world) => {
        const subject = await ldapSubject(world, ldap);
        const armed = await arm(world, subject);
        for (const step of row.before ?? []) await step.run(world, subject);
        await row.act(world, subject);
        await expectDoorEffects(world, subject, armed, {
          door: 'directory',
          verb: row.verb,
          from: row.from,
          events: [
            ...(row.before ?? []).map((step) => VERB[step.verb].event),
            VERB[row.verb].event,
          ],
        });
        // The source's reason as codes, for the console's words (the English line stays too).
        const [entry] = (await historyOf(world, subject.id)).entries;
        expect(entry?.reason).toMatch(/^directory source \S+: /);
        expect(entry?.reasonNotes?.map((note) => note.code)).toEqual(row.notes);
        const [event] = (await auditOf(world, subject.id, VERB[row.verb].audit, 'success')).events;
        // There as `{note, params}`: the log redacts every field named `code`.
        const details = (event?.details ?? {}) as { reasonNotes?: { note: string }[] };
        expect(details.reasonNotes?.map((note) => note.note)).toEqual(row.notes);
      }),
    ROW_TIMEOUT,
  );

  it(
    'the last active superadmin, disabled in LDAP: the sync plan item is blocked, not applied',
    () =>
      inWorld({ ldap }, async (world) => {
        const last = await signedIn(world.context, 'superadmin');
        const number = `ROOT-${unique()}`;
        await world.context.services.pool.query(
          'update app_user set employee_number = $2 where id = $1',
          [last.user.id, number],
        );
        const uid = `root${unique()}`;
        await addLdapPerson(ldap, { uid, sn: 'Root', givenName: 'Olga', employeeNumber: number });
        await setLdapLocked(ldap, uid, true);
        const before = await snapshot(world, last.user.id);
        const run = await syncDirectory(world.admin, 'full');
        expect(run.status, JSON.stringify(run)).toBe('succeeded');
        const line = (await planOf(world.admin, run.id)).find((l) => l.userId === last.user.id);
        expect(line, JSON.stringify(line)).toMatchObject({
          action: 'deactivate',
          blocked: 'last_superadmin',
        });
        await expectUnchanged(world, last.user.id, before, 'directory on the last superadmin');
      }),
    ROW_TIMEOUT,
  );

  it.each(['deactivate', 'suspend'] as const)(
    '%s at the console sticks for a synced person: the next sync run does not lift it',
    (verb) =>
      inWorld({ ldap }, async (world) => {
        const subject = await ldapSubject(world, ldap);
        await consoleOk(world, subject.id, verb);
        const before = await snapshot(world, subject.id);
        // The directory still has them enabled, and something else about them changed.
        await modifyLdapEntry(ldap, ldapPersonDn(subject.uid as string), { title: 'Changed' });
        const run = await syncDirectory(world.admin, 'full');
        expect(run.status, JSON.stringify(run)).toBe('succeeded');
        await expectUnchanged(world, subject.id, before, `directory after a manual ${verb}`);
      }),
    ROW_TIMEOUT,
  );
});
