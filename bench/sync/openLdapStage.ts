import { Attribute } from 'ldapts';
import { withBaseDns } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { slapdMissing } from '../../test/support/openldap.ts';
import { openBenchDatabase } from '../support/database.ts';
import { fmt } from '../support/stats.ts';
import { changeTrackingRows } from './changeTracking.ts';
import { applyChanges, changeTitle, incrementalWithDeletions } from './deletionRuns.ts';
import { bulkInsertFloor, phasedRun, sampleMemory, syncSource } from './engineRuns.ts';
import { rawPagedSearch } from './floors.ts';
import { buildOpenLdap100k, OPENLDAP_100K_DIR } from './openLdapDirectory.ts';
import { benchPerson } from './people.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * OpenLDAP, 100,000 people (a copy of the bench/.data/openldap-100k template), into an empty
 * database of its own (`bench/.data/sync-ldap`): the end-to-end full sync with this process's
 * peak RSS and heap, split into read + stage and plan + apply, against its floor; then the
 * incremental runs with deletion detection and by entryCSN against modifyTimestamp.
 */
export async function openLdapStage(
  rows: string[][],
  options: { sampleSql?: boolean; people?: number } = {},
): Promise<void> {
  const people = options.people ?? 100_000;
  if (slapdMissing) {
    rows.push(['OpenLDAP full sync', String(people), '', '', `not measured: ${slapdMissing}`]);
    return;
  }
  log(`OpenLDAP from the ${people} template…`);
  const directory = await buildOpenLdap100k(
    people === 100_000 ? {} : { people, folder: `${OPENLDAP_100K_DIR}-${people}` },
  );
  const db = await openBenchDatabase(people === 100_000 ? 'sync-ldap' : `sync-ldap-${people}`, {
    fresh: true,
    poolMax: 8,
  });
  try {
    const { services }: { services: Services } = db;
    const source = syncSource(directory.source);
    log('raw paged search (floor)…');
    const raw = await rawPagedSearch(directory.source);
    log(`full sync of ${people}…`);
    const memory = sampleMemory();
    const full = await phasedRun(services, source, options);
    const peak = memory.stop();
    log('bulk insert of the same rows (floor)…');
    const read = await createDirectoryReader(directory.source, services).read({ mode: 'full' });
    const floor = raw.seconds + (await bulkInsertFloor(services, read.pages));
    const entries = full.run.counts.read ?? 0;
    rows.push([
      `OpenLDAP full sync (end to end, empty database)`,
      String(entries),
      fmt(full.seconds),
      `${fmt(entries / full.seconds)}/s; ${full.phases}; floor ${fmt(floor)} s (search ${fmt(raw.seconds)} s + insert); peak RSS ${fmt(peak.rssMiB)} MiB, heap ${fmt(peak.heapMiB)} MiB`,
      people === 100_000 ? `< 60 s: ${full.seconds < 60 ? 'yes' : '**no**'}` : '',
    ]);
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
