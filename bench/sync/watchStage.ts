import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { escapeFilterValue } from '../../server/identity/ldap/filter.ts';
import { directorySourceSchema, withBaseDns } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { useReaderFactory } from '../../server/sources/registry.ts';
import { type SambaDc, sambaMissing } from '../../test/support/samba.ts';
import {
  addGroupWithMembers,
  addOu,
  changeGroupMembers,
  deleteEntry,
  escapeDnValue,
  renamePerson,
  setDisabled,
  setExpiry,
} from '../../test/support/sambaPeople.ts';
import { table } from '../support/stats.ts';
import { syncSource, timedRun } from './engineRuns.ts';
import { benchPerson } from './people.ts';
import { buildSambaDirectory10k } from './sambaDirectory.ts';
import {
  cut,
  POLL_MS,
  replaceValue,
  runWatchTrials,
  sleep,
  type Trial,
  WATCH_INTERVAL_MS,
  type WatchPath,
  watchRows,
} from './watchTrials.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Trials through each path, unless `--trials` says otherwise. */
const TRIALS = 20;

/** The employeeType the source's user filter leaves out (the refilter door sets it). */
const LEFT = 'Уволен';

/** How far ahead an expiry trial sets the account's expiry. */
const EXPIRY_LEAD_MS = 2_000;

/** A trial: what AD says, and who acts on it. */
type Door = 'disable' | 'delete' | 'move' | 'ungroup' | 'expiry' | 'join' | 'refilter';
const TURNS: ReadonlyArray<readonly [Door, WatchPath]> = [
  ['disable', 'watch'],
  ['disable', 'floor'],
  ['delete', 'watch'],
  ['delete', 'floor'],
  ['move', 'watch'],
  ['move', 'floor'],
  ['ungroup', 'watch'],
  ['ungroup', 'floor'],
  ['expiry', 'watch'],
  ['expiry', 'floor'],
  ['join', 'watch'],
  ['join', 'floor'],
  ['refilter', 'watch'],
  ['refilter', 'floor'],
];

/** The people the other doors take: a different one each trial, below the joiners. */
const STRIDE = 31;

/** Enabled people from `from` on (the template disables or expires a few in every hundred). */
function enabledFrom(from: number, count: number): number[] {
  const found: number[] = [];
  for (let n = from; found.length < count; n += 1)
    if (!benchPerson(n).disabled && !benchPerson(n).expired) found.push(n);
  return found;
}

/**
 * The people left out of the access group before the full sync, past those the other doors
 * take (100 + STRIDE a trial): each joins it in a trial of its own, watch and floor in turn.
 */
const JOINERS = enabledFrom(9_100, TRIALS * 2);
const joinerOf = (trial: number) =>
  JOINERS[
    Math.floor(trial / TURNS.length) * 2 + (TURNS[trial % TURNS.length]?.[1] === 'floor' ? 1 : 0)
  ] ?? 0;

/** An untimed change of the group (its description), which the watch looks at. */
async function touchGroup(dc: SambaDc, groupDn: string): Promise<void> {
  await dc.asAdmin((client) =>
    replaceValue(client, groupDn, 'description', `Тронута ${Date.now()}`),
  );
}

/** A person about to join the access group: says whether the service has created them. */
function letIn(services: Services, login: string): () => Promise<boolean> {
  return async () => {
    const { rows } = await services.pool.query('select 1 from app_user where username = $1', [
      login,
    ]);
    return rows.length > 0;
  };
}

/**
 * `npm run bench -- sync --only watch`: an account disabled, deleted, moved out of the base DN
 * (to «Уволенные»), removed from the access group the user filter requires, or given the
 * employeeType the filter leaves out in AD, or whose expiry passes, to the person's messenger
 * session revoked, on a copy of the 10,000-person Samba template after a full sync; and an
 * account added to the access group (left out of it before the full sync) to the person
 * created. Through the change watch (its default interval), and beside it the floor: an
 * incremental run started by hand right after the change, or at the expiry's instant, which is
 * what the watch does without its wait. The fourteen take turns, each trial a different person,
 * with the watch on only in its own trials (started, and past its first look, before the
 * change; for the access group's doors, past its first look at the group too, as a watch that
 * has run a while). Timed from just before the LDAP modify, delete or move, or from the
 * expiry's instant.
 */
export async function watchStage(services: Services, trials = TRIALS): Promise<void> {
  // The joiners were left out of the group for TRIALS trials of each path.
  if (trials > TRIALS) throw new Error(`--trials: at most ${TRIALS} for the Samba watch stage`);
  if (sambaMissing) throw new Error(`Samba is needed: ${sambaMissing}`);
  log('Samba DC from the 10k template…');
  const directory = await buildSambaDirectory10k();
  try {
    const { dc } = directory;
    const staff = `OU=Staff,${dc.baseDn}`;
    const former = await addOu(dc, 'Уволенные');
    const dnOf = (n: number) =>
      `CN=${escapeDnValue(`${benchPerson(n).displayName} ${n}`)},${staff}`;
    log('access group of everyone but the joiners…');
    const joiners = new Set(JOINERS);
    const everyone = Array.from({ length: directory.people }, (_, n) => n)
      .filter((n) => !joiners.has(n))
      .map(dnOf);
    const access = await addGroupWithMembers(dc, 'Доступ к мессенджеру', everyone);
    // The usual way an application is granted in AD: the user filter requires a group.
    const connection = directorySourceSchema.parse({
      ...withBaseDns(directory.source, [staff]),
      id: 'bench-watch',
      // And leaves out those whose employeeType says they left: an attribute the filter tests.
      userFilter: `(&(objectCategory=person)(objectClass=user)(memberOf=${escapeFilterValue(access)})(!(employeeType=${LEFT})))`,
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
        const joining = door === 'join';
        // Enabled people only (the template disables or expires a few in every hundred).
        let n = joining ? joinerOf(trial) : 100 + trial * STRIDE;
        while (benchPerson(n).disabled || benchPerson(n).expired) n += 1;
        const person = benchPerson(n);
        const dn = dnOf(n);
        const act: Record<Exclude<Door, 'expiry'>, () => Promise<unknown>> = {
          disable: () => setDisabled(dc, dn, true),
          delete: () => deleteEntry(dc, dn),
          move: () => renamePerson(dc, dn, { parent: former }),
          ungroup: () => changeGroupMembers(dc, access, 'delete', [dn]),
          join: () => changeGroupMembers(dc, access, 'add', [dn]),
          refilter: () => dc.asAdmin((client) => replaceValue(client, dn, 'employeeType', LEFT)),
        };
        const expiry = new Date(Date.now() + EXPIRY_LEAD_MS);
        return {
          // A joiner is let in: timed to their person created. Anyone else is cut: timed to
          // their device session revoked.
          done: joining ? letIn(services, person.login) : await cut(services, n, person.login),
          async change() {
            if (door !== 'expiry') {
              const start = performance.now();
              await act[door]();
              return start;
            }
            // Timed from the expiry's instant, set a little ahead.
            expiry.setTime(Date.now() + EXPIRY_LEAD_MS);
            const start = performance.now() + (expiry.getTime() - Date.now());
            await setExpiry(dc, dn, expiry);
            return start;
          },
          beforeFloor: async () => {
            if (door === 'expiry') await sleep(expiry.getTime() - Date.now());
          },
          // A watch that has run a while has looked at the access group before: its first look
          // reads the whole member list, every later one only the changes (DirSync). So the
          // group's doors start from a look already taken (an untimed change of the group).
          warm: async (watch) => {
            if (door !== 'ungroup' && door !== 'join') return;
            await touchGroup(dc, access);
            const passes = watch.passes;
            while (watch.passes < passes + 2) await sleep(POLL_MS);
          },
        };
      },
    );
    const rows = watchRows(TURNS, through, (door) =>
      door === 'expiry'
        ? 'floor: an incremental run started at the instant'
        : 'floor: an incremental run started at once',
    );
    process.stdout.write(
      [
        `An account disabled, deleted, moved out of the base DN, removed from the access group the user filter requires or given the employeeType it leaves out (refilter) in Samba AD, or whose expiry passes (10,000 people, all in the access group but the joiners, after a full sync), to the person's messenger session revoked; an account added to the access group (join) to the person created; ${trials} trials each way, taking turns, each a different person, timed from just before the LDAP modify, delete or move, or from the expiry's instant (set ${EXPIRY_LEAD_MS} ms ahead); polled every ${POLL_MS} ms. The watch asks every ${WATCH_INTERVAL_MS} ms (the default), and is on only in its own trials (for ungroup and join, past its first look at the group, which an untimed change of its description makes: later looks read only the changed members, by DirSync); the floor starts an incremental run right after the change, or at the instant, as the watch does once it knows. Load average at the end: ${loadavg()
          .map((v) => v.toFixed(2))
          .join(' / ')}.`,
        '',
        table(['door', 'path', 'n', 'p50 ms', 'p95 ms', 'max ms'], rows),
        '',
        '',
      ].join('\n'),
    );
  } finally {
    await directory.stop();
  }
}
