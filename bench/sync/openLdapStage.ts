import { loadavg } from 'node:os';
import { Attribute } from 'ldapts';
import { withBaseDns } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { knownDigests } from '../../server/sources/runs.ts';
import { slapdMissing } from '../../test/support/openldap.ts';
import { openBenchDatabase } from '../support/database.ts';
import { fmt } from '../support/stats.ts';
import { changeTrackingRows } from './changeTracking.ts';
import { applyChanges, changeTitle, incrementalWithDeletions } from './deletionRuns.ts';
import { phasedRun, sampleMemory, syncSource } from './engineRuns.ts';
import { rawPagedSearch, readerPass } from './floors.ts';
import { buildOpenLdap100k } from './openLdapDirectory.ts';
import { benchPerson } from './people.ts';
import { sameIndexLoad } from './sameIndexFloor.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

/** Keeps a row for the final table and prints it now: a late failure loses nothing measured. */
function emit(rows: string[][], row: string[]): void {
  rows.push(row);
  process.stdout.write(`| ${row.join(' | ')} |\n`);
}

/**
 * OpenLDAP, 100,000 people (a copy of the bench/.data/openldap-100k template), into an empty
 * database of its own (`bench/.data/sync-ldap`): the end-to-end full sync with this process's
 * peak RSS and heap, split into read + stage and plan + apply, against its floor; then the
 * incremental runs with deletion detection and by entryCSN against modifyTimestamp.
 */
export async function openLdapStage(
  rows: string[][],
  options: {
    sampleSql?: boolean;
    people?: number;
    auditShare?: boolean;
    floorsOnly?: boolean;
  } = {},
): Promise<void> {
  const people = options.people ?? 100_000;
  if (slapdMissing) {
    rows.push(['OpenLDAP full sync', String(people), '', '', `not measured: ${slapdMissing}`]);
    return;
  }
  log(`OpenLDAP from the ${people} template…`);
  const directory = await buildOpenLdap100k({ people });
  const db = await openBenchDatabase(people === 100_000 ? 'sync-ldap' : `sync-ldap-${people}`, {
    fresh: true,
    poolMax: 8,
  });
  try {
    const { services }: { services: Services } = db;
    const source = syncSource(directory.source);
    const ratio = (value: number, floor: number) => `${fmt(value / floor)}×`;
    log(`load ${loadAverage()}: raw paged search (floor)…`);
    const raw = await rawPagedSearch(directory.source);
    log(`full sync of ${people}…`);
    const memory = sampleMemory();
    const full = await phasedRun(services, source, {
      ...options,
      auditShare: options.auditShare ?? people <= 100_000,
    });
    const peak = memory.stop();
    const entries = full.run.counts.read ?? 0;
    emit(rows, [
      'OpenLDAP full sync (end to end, empty database)',
      String(entries),
      fmt(full.seconds),
      `${fmt(entries / full.seconds)}/s; ${full.phases}; peak RSS ${fmt(peak.rssMiB)} MiB, heap ${fmt(peak.heapMiB)} MiB; load ${loadAverage()}`,
      `peak RSS < 400 MiB: ${peak.rssMiB < 400 ? 'yes' : '**no**'}`,
    ]);
    log('same-index floor: one INSERT … SELECT into a copy of app_user with its indexes…');
    const load = await sameIndexLoad(services, directory.source, source.id);
    const floor = raw.seconds + load.seconds;
    emit(rows, [
      'OpenLDAP same-index floor (same paged search + one INSERT … SELECT into a WAL-logged copy of app_user)',
      String(load.rows),
      fmt(floor),
      `search ${fmt(raw.seconds)} s + load ${fmt(load.seconds)} s (${load.indexes} indexes); the full sync is ${ratio(full.seconds, floor)} of it`,
      `full sync ≤ 1.5× floor: ${full.seconds <= 1.5 * floor ? 'yes' : '**no**'}`,
    ]);
    log('no-change full run against the bare search…');
    const bare = await rawPagedSearch(directory.source);
    // The reader alone (the search, each entry mapped to a person, pages dropped): the part of
    // the run that is not the engine's.
    const reader = await readerPass(directory.source);
    // The same read with every entry's digest checked as the run checks it, nothing staged:
    // what the run's read costs before it records what it saw.
    const checked = await readerPass(directory.source, await knownDigests(services, source));
    // Phased, and with BENCH_SAMPLE_SQL=1 sampled too: where a no-change run's time goes is the
    // profile its target asks for (sampling pg_stat_activity every 25 ms costs the run itself).
    const againMemory = sampleMemory();
    const again = await phasedRun(services, source, {
      auditShare: false,
      sampleSql: process.env.BENCH_SAMPLE_SQL === '1',
    });
    const againPeak = againMemory.stop();
    emit(rows, [
      'OpenLDAP full sync, nothing changed, against the same paged search alone',
      String(again.run.counts.read ?? 0),
      fmt(again.seconds),
      `bare search ${fmt(bare.seconds)} s; the run is ${ratio(again.seconds, bare.seconds)} of it; the reader alone ${fmt(reader.seconds)} s (${ratio(reader.seconds, bare.seconds)}); with the digest check, nothing staged ${fmt(checked.seconds)} s (${ratio(checked.seconds, bare.seconds)}, ${checked.unchanged} unchanged); unchanged ${again.run.counts.unchanged ?? 0} (by digest ${again.run.counts.unchangedByDigest ?? 0}); ${again.phases}; peak RSS ${fmt(againPeak.rssMiB)} MiB; load ${loadAverage()}`,
      `≤ 1.2× search: ${again.seconds <= 1.2 * bare.seconds ? 'yes' : '**no**'}`,
    ]);
    if (options.floorsOnly) return;
    log('100 changes: 98 titles, 1 deletion, 1 move out of the base DN…');
    const peopleOu = `ou=people,${directory.baseDn}`;
    const leavers = `ou=Уволенные,${directory.baseDn}`;
    const dn = (n: number) => `uid=${benchPerson(n).login},${peopleOu}`;
    rows.push(
      await incrementalWithDeletions(
        services,
        // The people's OU as the base, so that «Уволенные» is outside it (same ids, same source).
        withBaseDns(directory.source, [peopleOu]),
        'OpenLDAP incremental sync with deletion detection (id enumeration), 100 changes (98 titles, 1 deleted, 1 moved out)',
        () =>
          applyChanges(
            directory,
            {
              titles: Array.from({ length: 98 }, (_, n) => dn(n)),
              deleted: dn(98),
              moved: { dn: dn(99), newDn: `uid=${benchPerson(99).login},${leavers}` },
            },
            {
              dn: leavers,
              attributes: [
                new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
                new Attribute({ type: 'ou', values: ['Уволенные'] }),
              ],
            },
          ),
        () => changeTitle(directory, dn(500)),
      ),
    );
    log('change tracking: entryCSN against modifyTimestamp…');
    rows.push(
      ...(await changeTrackingRows(
        services,
        withBaseDns(directory.source, [peopleOu]),
        directory,
        dn,
        people,
      )),
    );
  } finally {
    await db.close();
    await directory.stop();
  }
}
