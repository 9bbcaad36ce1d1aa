import { randomUUID } from 'node:crypto';
import { Attribute, Change, Client, Control, type Entry } from 'ldapts';
import { closeQuietly, connectClient } from '../../server/identity/ldap/client.ts';
import { escapeFilterValue } from '../../server/identity/ldap/filter.ts';
import {
  bindPasswordOf,
  type DirectorySource,
} from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { csnSinceFilter } from '../../server/sources/ldap/changeSequence.ts';
import { formatGuid } from '../../server/sources/ldap/guid.ts';
import { idAttributeOf, requestedAttributes } from '../../server/sources/ldap/mapping.ts';
import { pagedSearch } from '../../server/sources/ldap/pagedSearch.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { type DirectorySyncSource, useReaderFactory } from '../../server/sources/registry.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import { fmt } from '../support/stats.ts';
import { syncSource, timedRun } from './engineRuns.ts';
import { oneBase } from './floors.ts';

/**
 * The incremental run with deletion detection (issue 13), beside its floor measured right after
 * it with the same cursor: the same LDAP searches alone (raw ldapts, nothing mapped or staged)
 * plus the same set-based comparison of ids with the people the source manages.
 */

const SHOW_DELETED = () => new Control('1.2.840.113556.1.4.417', { critical: true });

/** What the bench changes before the incremental run: titles, one deletion, one move out. */
export interface DirectoryChanges {
  titles: string[];
  deleted: string;
  moved: { dn: string; newDn: string };
}

/** Applies the changes over one connection as the directory's administrator. */
export async function applyChanges(
  admin: { url: string; bindDn: string; bindPassword: string },
  changes: DirectoryChanges,
  leaversOu: { dn: string; attributes: Attribute[] },
): Promise<void> {
  const client = new Client({ url: admin.url, timeout: 60_000 });
  try {
    await client.bind(admin.bindDn, admin.bindPassword);
    await client.add(leaversOu.dn, leaversOu.attributes).catch((error: unknown) => {
      // Already there from an earlier stage on the same directory copy.
      if ((error as { code?: unknown }).code !== 0x44) throw error;
    });
    const stamp = `Инженер ${Date.now()}`;
    for (const dn of changes.titles)
      await client.modify(
        dn,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'title', values: [stamp] }),
        }),
      );
    await client.del(changes.deleted);
    await client.modifyDN(changes.moved.dn, changes.moved.newDn);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Changes one entry's title (the settling change before a generic LDAP measurement). */
export async function changeTitle(
  admin: { url: string; bindDn: string; bindPassword: string },
  dn: string,
): Promise<void> {
  const client = new Client({ url: admin.url, timeout: 60_000 });
  try {
    await client.bind(admin.bindDn, admin.bindPassword);
    await client.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'title', values: [`Settle ${Date.now()}`] }),
      }),
    );
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function guidOf(entry: Entry): string | null {
  const raw = Array.isArray(entry.objectGUID) ? entry.objectGUID[0] : entry.objectGUID;
  return Buffer.isBuffer(raw) ? formatGuid(raw) : null;
}

function first(entry: Entry, attribute: string): string | null {
  const value = entry[attribute];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? null : one.toString();
}

/** The LDAP half of the floor: seconds and the ids the comparison gets. */
async function floorSearches(
  source: DirectorySource,
  cursor: Record<string, unknown>,
): Promise<{ seconds: number; ids: string[]; kind: 'present' | 'gone' }> {
  const started = performance.now();
  const client = await connectClient(source);
  const ids: string[] = [];
  let kind: 'present' | 'gone';
  try {
    await client.bind(source.bindDn, bindPasswordOf(source));
    const drain = async (query: Parameters<typeof pagedSearch>[2], keep?: (e: Entry) => void) => {
      for await (const page of pagedSearch(client, source, query)) if (keep) page.forEach(keep);
    };
    if (source.kind === 'active-directory') {
      kind = 'gone';
      const root = await client.search('', {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['highestCommittedUSN', 'defaultNamingContext'],
      });
      const nc = first(root.searchEntries[0] as Entry, 'defaultNamingContext') ?? '';
      const to = first(root.searchEntries[0] as Entry, 'highestCommittedUSN') ?? '0';
      const from = (BigInt(String(cursor.highestCommittedUsn)) + 1n).toString();
      const window = `(uSNChanged>=${from})(uSNChanged<=${to})`;
      await drain({
        base: oneBase(source),
        filter: `(&${source.userFilter}(uSNChanged>=${from}))`,
        attributes: requestedAttributes(source),
        binary: ['objectGUID'],
      });
      await drain({
        base: source.groupBaseDn ?? oneBase(source),
        filter: `(&(objectClass=group)(uSNChanged>=${from}))`,
        attributes: ['distinguishedName'],
      });
      const keep = (entry: Entry) => {
        const id = guidOf(entry);
        if (id) ids.push(id);
      };
      await drain(
        {
          base: `CN=Deleted Objects,${nc}`,
          scope: 'one',
          filter: `(&(isDeleted=TRUE)(objectClass=user)${window})`,
          attributes: ['objectGUID', 'lastKnownParent'],
          binary: ['objectGUID'],
          controls: [SHOW_DELETED()],
        },
        keep,
      );
      await drain(
        {
          base: nc,
          filter: `(&(objectClass=user)${window})`,
          attributes: ['objectGUID'],
          binary: ['objectGUID'],
        },
        keep,
      );
    } else {
      kind = 'present';
      // The reader's own choice: by entryCSN when the cursor has a contextCSN vector.
      const csns = Array.isArray(cursor.contextCsn) ? cursor.contextCsn.map(String) : [];
      const since =
        cursor.ldapTracking === 'entryCSN' && csns.length > 0
          ? csnSinceFilter(csns)
          : `(modifyTimestamp>=${escapeFilterValue(String(cursor.modifyTimestamp ?? ''))})`;
      await drain({
        base: oneBase(source),
        filter: `(&${source.userFilter}${since})`,
        attributes: requestedAttributes(source),
      });
      const attribute = idAttributeOf(source);
      await drain(
        { base: oneBase(source), filter: source.userFilter, attributes: [attribute] },
        (e) => {
          const id = first(e, attribute);
          if (id) ids.push(id.toLowerCase());
        },
      );
    }
  } finally {
    await closeQuietly(client);
  }
  return { seconds: (performance.now() - started) / 1_000, ids, kind };
}

/**
 * The database half of the floor: stage the ids (pages of 1,000), the one comparison and, for an
 * enumeration, the check for ids nobody recorded.
 */
async function floorComparison(
  services: Services,
  sourceId: string,
  ids: string[],
  kind: 'present' | 'gone',
): Promise<number> {
  const runId = randomUUID();
  const started = performance.now();
  for (let i = 0; i < ids.length; i += 1_000)
    await services.pool.query(
      `insert into sync_absence (run_id, external_id, reason)
       select $1, x, null from unnest($2::text[]) x on conflict do nothing`,
      [runId, ids.slice(i, i + 1_000)],
    );
  await services.pool.query(
    `select count(*) from app_user u
      where u.source_id = $2 and u.external_id is not null and u.status <> 'deactivated'
        and ${kind === 'present' ? 'not ' : ''}exists (select 1 from sync_absence a
              where a.run_id = $1 and a.external_id = u.external_id)`,
    [runId, sourceId],
  );
  // An enumeration also finds whom nobody recorded (joined the scope without a change of their
  // own, newInScope.ts): the same probes, nothing staged to exclude.
  if (kind === 'present')
    await services.pool.query(
      `select count(*) from sync_absence a
        where a.run_id = $1
          and not exists (select 1 from sync_unmatched_entry e
                           where e.source_id = $2 and e.external_id = a.external_id)
          and not exists (select 1 from app_user u
                           where u.source_id = $2 and u.external_id = a.external_id
                             and (u.status <> 'deactivated' or u.sync_digest is not null))`,
      [runId, sourceId],
    );
  const seconds = (performance.now() - started) / 1_000;
  await services.pool.query('delete from sync_absence where run_id = $1', [runId]);
  return seconds;
}

/** One incremental run with deletion detection and its floor, as a benchmark table row. */
export async function incrementalWithDeletions(
  services: Services,
  connection: DirectorySource,
  label: string,
  change: () => Promise<void>,
  settle: () => Promise<void> = async () => {},
): Promise<string[]> {
  const source: DirectorySyncSource = syncSource(connection);
  // Generic LDAP: no 5-minute modifyTimestamp overlap here (issue 13 item 5 is about it): the
  // figure is the deletion detection's, not the overlap's re-read.
  useReaderFactory(services, (src) =>
    createDirectoryReader(src.connection ?? connection, {
      now: services.now,
      modifyTimestampOverlapMs: 0,
    }),
  );
  try {
    // Generic LDAP's cursor is the greatest modifyTimestamp seen: right after a full read of a
    // freshly loaded directory it is the load's last second, and every entry stamped in that
    // second would be read again. One small change and run first puts the cursor where it is in
    // production (the last change), then the measured changes come a second later.
    if (connection.kind === 'ldap') {
      await settle();
      await timedRun(services, source, 'incremental');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    await change();
    const { seconds, run } = await timedRun(services, source, 'incremental');
    const floor = await floorOf(services, connection, run);
    const total = floor.search + floor.sql;
    return [
      label,
      String(run.counts.read ?? 0),
      fmt(seconds),
      `updates ${run.counts.update ?? 0}, deactivations ${run.counts.deactivate ?? 0} (${
        run.counts.idsEnumerated !== undefined
          ? `${run.counts.idsEnumerated} ids enumerated`
          : `${run.counts.goneCandidates ?? 0} candidate ids: tombstones + changed users`
      }); floor ${fmt(total)} s (searches ${fmt(floor.search)} s + comparison ${fmt(floor.sql)} s); ${fmt(seconds / total)}× floor`,
      `< 1 s: ${seconds < 1 ? 'yes' : '**no**'}`,
    ];
  } finally {
    useReaderFactory(services, null);
  }
}

async function floorOf(
  services: Services,
  connection: DirectorySource,
  run: RunView,
): Promise<{ search: number; sql: number }> {
  if (!run.cursorBefore) throw new Error('the incremental run has no cursor before it');
  const searched = await floorSearches(connection, run.cursorBefore);
  const sql = await floorComparison(services, connection.id, searched.ids, searched.kind);
  return { search: searched.seconds, sql };
}
