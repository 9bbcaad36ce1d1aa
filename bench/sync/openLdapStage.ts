import type { Services } from '../../server/shared/services.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { slapdMissing } from '../../test/support/openldap.ts';
import { openBenchDatabase } from '../support/database.ts';
import { fmt } from '../support/stats.ts';
import { bulkInsertFloor, phasedRun, sampleMemory, syncSource } from './engineRuns.ts';
import { rawPagedSearch } from './floors.ts';
import { buildOpenLdap100k } from './openLdapDirectory.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * OpenLDAP, 100,000 people (a copy of the bench/.data/openldap-100k template), into an empty
 * database of its own (`bench/.data/sync-ldap`): the end-to-end full sync with this process's
 * peak RSS and heap, split into read + stage and plan + apply, against its floor.
 */
export async function openLdapStage(
  rows: string[][],
  options: { sampleSql?: boolean } = {},
): Promise<void> {
  if (slapdMissing) {
    rows.push(['OpenLDAP full sync', '100000', '', '', `not measured: ${slapdMissing}`]);
    return;
  }
  log('OpenLDAP from the 100k template…');
  const directory = await buildOpenLdap100k();
  const db = await openBenchDatabase('sync-ldap', { fresh: true, poolMax: 8 });
  try {
    const { services }: { services: Services } = db;
    const source = syncSource(directory.source);
    log('raw paged search (floor)…');
    const raw = await rawPagedSearch(directory.source);
    log('full sync of 100,000…');
    const memory = sampleMemory();
    const full = await phasedRun(services, source, options);
    const peak = memory.stop();
    log('bulk insert of the same rows (floor)…');
    const read = await createDirectoryReader(directory.source, services).read({ mode: 'full' });
    const floor = raw.seconds + (await bulkInsertFloor(services, read.pages));
    const entries = full.run.counts.read ?? 0;
    rows.push([
      'OpenLDAP full sync (end to end, empty database)',
      String(entries),
      fmt(full.seconds),
      `${fmt(entries / full.seconds)}/s; ${full.phases}; floor ${fmt(floor)} s (search ${fmt(raw.seconds)} s + insert); peak RSS ${fmt(peak.rssMiB)} MiB, heap ${fmt(peak.heapMiB)} MiB`,
      `< 60 s: ${full.seconds < 60 ? 'yes' : '**no**'}`,
    ]);
  } finally {
    await db.close();
    await directory.stop();
  }
}
