import { Attribute, Change, Client } from 'ldapts';
import type { DirectorySource } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { type DirectorySyncSource, useReaderFactory } from '../../server/sources/registry.ts';
import type { DirectoryReader, SyncCursor } from '../../server/sources/types.ts';
import { fmt } from '../support/stats.ts';
import { syncSource, timedRun } from './engineRuns.ts';

/**
 * Issue 13, scope item 5: OpenLDAP incremental runs by entryCSN (contextCSN cursor, no overlap)
 * beside the old modifyTimestamp path (5-minute overlap) measured from the SAME saved cursor on
 * the same directory state: right after a bulk change of 1% of the people, then with no change.
 * The entryCSN run goes first and applies the change; the modifyTimestamp run then reads at
 * least as much but has nothing left to update, so its time is, if anything, flattered.
 */

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The administrator's connection to the bench directory. */
export interface BenchAdmin {
  url: string;
  bindDn: string;
  bindPassword: string;
}

/** Sets a new title on each DN over one connection (a bulk change, as an HR tool makes). */
async function retitle(admin: BenchAdmin, dns: string[]): Promise<void> {
  const client = new Client({ url: admin.url, timeout: 60_000 });
  const title = `Bulk ${Date.now()}`;
  try {
    await client.bind(admin.bindDn, admin.bindPassword);
    for (const dn of dns)
      await client.modify(
        dn,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'title', values: [title] }),
        }),
      );
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** The source's reader, told where to continue from and how to look for changes. */
function readerFrom(
  services: Services,
  connection: DirectorySource,
  since: SyncCursor,
  tracking: 'auto' | 'modifyTimestamp',
): DirectoryReader {
  const inner = createDirectoryReader(connection, { ...services, ldapChangeTracking: tracking });
  return {
    read: (options) => inner.read(options.mode === 'incremental' ? { ...options, since } : options),
    readPeople: (ids) => inner.readPeople(ids),
  };
}

async function incremental(
  services: Services,
  source: DirectorySyncSource,
  connection: DirectorySource,
  since: SyncCursor,
  tracking: 'auto' | 'modifyTimestamp',
) {
  useReaderFactory(services, () => readerFrom(services, connection, since, tracking));
  try {
    return await timedRun(services, source, 'incremental');
  } finally {
    useReaderFactory(services, null);
  }
}

/**
 * Rows for the benchmark table. Expects the source synced at least once (a full run): it starts
 * with one incremental run to have a fresh cursor, then changes `people / 100` entries.
 */
export async function changeTrackingRows(
  services: Services,
  connection: DirectorySource,
  admin: BenchAdmin,
  dnOf: (n: number) => string,
  people: number,
): Promise<string[][]> {
  const source = syncSource(connection);
  const settled = await timedRun(services, source, 'incremental');
  const before = settled.run.cursorAfter as SyncCursor | null;
  if (before?.ldapTracking !== 'entryCSN')
    return [
      [
        'OpenLDAP incremental by entryCSN',
        String(people),
        '',
        '',
        `not measured: the cursor is ${JSON.stringify(before)}`,
      ],
    ];
  const changed = Math.max(1, Math.floor(people / 100));
  log(`change tracking: bulk change of ${changed} titles…`);
  // Spread over the directory (every 100th person from the 1000th: the earlier stages' changes
  // are among the first hundreds).
  await retitle(
    admin,
    Array.from({ length: changed }, (_, n) => dnOf((1_000 + n * 100) % people)),
  );
  const byCsn = await incremental(services, source, connection, before, 'auto');
  const byTime = await incremental(services, source, connection, before, 'modifyTimestamp');
  log('change tracking: the next run, with no change…');
  const after = byCsn.run.cursorAfter as SyncCursor;
  const quietCsn = await incremental(services, source, connection, after, 'auto');
  const quietTime = await incremental(services, source, connection, after, 'modifyTimestamp');
  const row = (
    label: string,
    run: Awaited<ReturnType<typeof timedRun>>,
    floor: Awaited<ReturnType<typeof timedRun>> | null,
    target: string,
  ) => [
    label,
    String(run.run.counts.read ?? 0),
    fmt(run.seconds),
    `${fmt((100 * (run.run.counts.read ?? 0)) / people)}% of ${people} read; updates ${run.run.counts.update ?? 0}; ids enumerated ${run.run.counts.idsEnumerated ?? 0}${
      floor
        ? `; old modifyTimestamp path from the same cursor: ${floor.run.counts.read ?? 0} read, ${fmt(floor.seconds)} s`
        : ''
    }`,
    target,
  ];
  const read = byCsn.run.counts.read ?? 0;
  return [
    row(
      `OpenLDAP incremental by entryCSN, right after a bulk change of ${changed} (1%)`,
      byCsn,
      byTime,
      `reads about 1%: ${read <= changed + 1 ? 'yes' : '**no**'}`,
    ),
    row(
      'OpenLDAP incremental by modifyTimestamp (old path), same cursor, same change',
      byTime,
      null,
      '',
    ),
    row('OpenLDAP incremental by entryCSN, next run, no change', quietCsn, quietTime, ''),
    row(
      'OpenLDAP incremental by modifyTimestamp (old path), next run, no change',
      quietTime,
      null,
      '',
    ),
  ];
}
