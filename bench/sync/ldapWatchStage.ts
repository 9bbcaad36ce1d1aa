import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Attribute, Client } from 'ldapts';
import { directorySourceSchema, withBaseDns } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { useReaderFactory } from '../../server/sources/registry.ts';
import { slapdMissing } from '../../test/support/openldap.ts';
import { table } from '../support/stats.ts';
import { syncSource, timedRun } from './engineRuns.ts';
import { buildOpenLdap100k } from './openLdapDirectory.ts';
import { benchPerson } from './people.ts';
import {
  cut,
  POLL_MS,
  replaceValue,
  runWatchTrials,
  type Trial,
  WATCH_INTERVAL_MS,
  type WatchPath,
  watchRows,
} from './watchTrials.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** People in the directory: as many as the Samba watch stage's. */
const PEOPLE = 10_000;

/** Trials through each path, unless `--trials` says otherwise. */
const TRIALS = 20;

/** A trial's person: a different one each trial. */
const STRIDE = 31;

/** The employeeType the source's user filter leaves out (the refilter door sets it). */
const LEFT = 'left';

/** What OpenLDAP says, and who acts on it. */
type Door = 'lock' | 'delete' | 'move' | 'refilter';
const DOORS: readonly Door[] = ['lock', 'delete', 'move', 'refilter'];
const TURNS = DOORS.flatMap((door) => [
  [door, 'watch'],
  [door, 'floor'],
]) as ReadonlyArray<readonly [Door, WatchPath]>;

const FLOOR = 'floor: an incremental run started at once';

/**
 * `npm run bench -- sync --only ldap-watch`: an entry locked (`pwdAccountLockedTime`), deleted,
 * moved out of the base DN (to «Уволенные») or given the employeeType the user filter leaves out,
 * in OpenLDAP with syncprov (entryCSN cursors), to the person's messenger session revoked, on a
 * copy of a 10,000-person template after a full sync. Through the change watch (its default
 * interval), and beside it the floor: an incremental run started by hand right after the change,
 * which is what the watch does without its wait (for a deletion it starts exactly that run).
 * The eight take turns, each trial a different person, with the watch on only in its own trials
 * (started, and past its first look, before the change). Timed from just before the LDAP
 * modify, delete or move.
 */
export async function ldapWatchStage(services: Services, trials = TRIALS): Promise<void> {
  if (slapdMissing) throw new Error(`OpenLDAP is needed: ${slapdMissing}`);
  log(`OpenLDAP from the ${PEOPLE} template…`);
  const directory = await buildOpenLdap100k({ people: PEOPLE });
  const admin = new Client({ url: directory.url, timeout: 60_000 });
  try {
    await admin.bind(directory.bindDn, directory.bindPassword);
    const peopleOu = `ou=people,${directory.baseDn}`;
    const former = `ou=Уволенные,${directory.baseDn}`;
    await admin.add(former, [
      new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
      new Attribute({ type: 'ou', values: ['Уволенные'] }),
    ]);
    const rdnOf = (n: number) => `uid=${benchPerson(n).login}`;
    const connection = directorySourceSchema.parse({
      ...withBaseDns(directory.source, [peopleOu]),
      id: 'bench-ldap-watch',
      // Those whose employeeType says they left are out: an attribute the filter tests.
      userFilter: `(&(objectClass=inetOrgPerson)(!(employeeType=${LEFT})))`,
    });
    const source = syncSource(connection);
    useReaderFactory(services, null);
    log('full sync…');
    await timedRun(services, source, 'full');
    const through = await runWatchTrials(
      services,
      source,
      TURNS,
      trials,
      async (trial, door): Promise<Trial> => {
        // Unlocked people only (the template locks a few in every hundred).
        let n = 100 + trial * STRIDE;
        while (benchPerson(n).disabled || benchPerson(n).expired) n += 1;
        const dn = `${rdnOf(n)},${peopleOu}`;
        const act: Record<Door, () => Promise<void>> = {
          lock: () => replaceValue(admin, dn, 'pwdAccountLockedTime', '000001010000Z'),
          delete: () => admin.del(dn),
          move: () => admin.modifyDN(dn, `${rdnOf(n)},${former}`),
          refilter: () => replaceValue(admin, dn, 'employeeType', LEFT),
        };
        return {
          done: await cut(services, n, benchPerson(n).login),
          async change() {
            const start = performance.now();
            await act[door]();
            return start;
          },
        };
      },
    );
    const rows = watchRows(TURNS, through, () => FLOOR);
    process.stdout.write(
      [
        `An entry locked (pwdAccountLockedTime), deleted, moved out of the base DN or given the employeeType the user filter leaves out (refilter) in OpenLDAP with syncprov (${PEOPLE.toLocaleString('en')} people, entryCSN cursors, after a full sync), to the person's messenger session revoked; ${trials} trials each way, taking turns, each a different person, timed from just before the LDAP modify, delete or move; polled every ${POLL_MS} ms. The watch asks every ${WATCH_INTERVAL_MS} ms (the default), and is on only in its own trials; the floor starts an incremental run right after the change, as the watch does once it knows (for a deletion, the very run the watch starts). Load average at the end: ${loadavg()
          .map((v) => v.toFixed(2))
          .join(' / ')}.`,
        '',
        table(['door', 'path', 'n', 'p50 ms', 'p95 ms', 'max ms'], rows),
        '',
        '',
      ].join('\n'),
    );
  } finally {
    await admin.unbind().catch(() => undefined);
    await directory.stop();
  }
}
