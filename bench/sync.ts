import { parseArgs } from 'node:util';
import { directorySourceSchema } from '../server/identity/ldap/sourceConfig.ts';
import { systemActor } from '../server/shared/actor.ts';
import type { Services } from '../server/shared/services.ts';
import { createDirectoryReader } from '../server/sources/ldap/reader.ts';
import type { DirectorySyncSource } from '../server/sources/registry.ts';
import { useReaderFactory } from '../server/sources/registry.ts';
import { readRun } from '../server/sources/runCommands.ts';
import { startRun } from '../server/sources/runs.ts';
import { DEFAULT_SYNC_SETTINGS } from '../server/sources/settings.ts';
import type {
  DirectoryReader,
  ReadMode,
  SourcePerson,
  SyncCursor,
} from '../server/sources/types.ts';
import { type SambaDc, sambaMissing, startSambaDc } from '../test/support/samba.ts';
import { addOu, addPeopleOffline, type BulkPerson } from '../test/support/sambaPeople.ts';
import { openBenchDatabase } from './support/database.ts';
import { fmt, table } from './support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const PASSWORD_ENV = 'BENCH_SYNC_AD_PASSWORD';
const DEPARTMENTS = 40;

function person(i: number, version = 0): SourcePerson {
  return {
    externalId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    locator: `CN=Person ${i},OU=Staff,DC=corp,DC=example,DC=test`,
    username: `user${i}`,
    familyName: `Фамилия${i}${version ? `-v${version}` : ''}`,
    givenName: 'Имя',
    middleName: null,
    displayName: null,
    email: `user${i}@corp.example.test`,
    phone: null,
    title: version ? 'Инженер' : null,
    department: `Отдел ${i % DEPARTMENTS}`,
    employeeId: `E${i}`,
    disabled: false,
    groups: [],
  };
}

/** A generated directory read page by page (nothing held): the engine's cost without LDAP. */
function generatedReader(total: number, changed: Set<number>, pageSize = 1_000): DirectoryReader {
  return {
    async read({ mode }: { mode: ReadMode; since?: SyncCursor | null }) {
      const ids = mode === 'full' ? null : [...changed];
      async function* pages(): AsyncIterable<SourcePerson[]> {
        const count = ids ? ids.length : total;
        for (let start = 0; start < count; start += pageSize) {
          const page: SourcePerson[] = [];
          for (let k = start; k < Math.min(count, start + pageSize); k += 1) {
            const i = ids ? (ids[k] ?? 0) : k;
            page.push(person(i, changed.has(i) ? 1 : 0));
          }
          yield page;
        }
      }
      return { mode, cursor: { modifyTimestamp: new Date().toISOString() }, pages: pages() };
    },
  };
}

function source(id: string, connection: DirectorySyncSource['connection']): DirectorySyncSource {
  return {
    id,
    name: id,
    kind: 'directory',
    origin: 'api',
    connection,
    settings: { ...DEFAULT_SYNC_SETTINGS, enabled: false },
    linkBy: DEFAULT_SYNC_SETTINGS.correlateBy,
    userSource: 'ad',
    loginMethod: 'ldap',
    version: null,
  };
}

const fakeConnection = (id: string): DirectorySyncSource['connection'] =>
  directorySourceSchema.parse({
    id,
    kind: 'ldap',
    url: 'ldaps://bench.invalid',
    bindDn: 'cn=bench',
    bindPasswordEnv: PASSWORD_ENV,
    baseDn: 'dc=bench',
  });

/** Runs a sync to its end; returns seconds and the run. */
async function timedRun(
  services: Services,
  src: DirectorySyncSource,
  mode: 'full' | 'incremental',
) {
  const start = performance.now();
  const started = await startRun(services, src, mode, systemActor('bench'));
  await started.done;
  const seconds = (performance.now() - start) / 1_000;
  const run = await readRun(services, started.runId);
  if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${run.error ?? run.safety}`);
  return { seconds, run };
}

/** The floor: the same rows inserted with multi-row statements into a scratch table. */
async function bulkInsertFloor(services: Services, total: number): Promise<number> {
  await services.pool.query('create temporary table if not exists floor_people (r jsonb)');
  const start = performance.now();
  for (let i = 0; i < total; i += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, total - i) }, (_, k) => person(i + k));
    await services.pool.query(
      'insert into floor_people select x from jsonb_array_elements($1::jsonb) x',
      [JSON.stringify(rows)],
    );
  }
  const seconds = (performance.now() - start) / 1_000;
  await services.pool.query('drop table floor_people');
  return seconds;
}

function bulkPeople(total: number, parent: string): BulkPerson[] {
  return Array.from({ length: total }, (_, i) => ({
    name: `u${i}`,
    parent,
    givenName: 'Имя',
    sn: `Фамилия${i}`,
    mail: `u${i}@corp.example.test`,
    department: `Отдел ${i % DEPARTMENTS}`,
    employeeID: `E${i}`,
  }));
}

async function sambaStage(services: Services, total: number, rows: string[][]): Promise<void> {
  if (sambaMissing) {
    rows.push(['Samba AD full sync', String(total), '', '', `not measured: ${sambaMissing}`]);
    return;
  }
  // Built afresh each time: buildSambaTemplate (test/support/samba.ts) cannot copy the DC's
  // msg.sock sockets yet; the ldbadd load takes about a minute for 10,000 people.
  log(`Samba DC with ${total} people…`);
  const dc: SambaDc = await startSambaDc();
  const ou = await addOu(dc, 'Staff');
  await addPeopleOffline(dc, bulkPeople(total, ou));
  try {
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const src = source(
      'bench-samba',
      directorySourceSchema.parse({
        id: 'bench-samba',
        kind: 'active-directory',
        url: dc.url,
        allowPlain: true,
        bindDn: dc.adminDn,
        bindPasswordEnv: PASSWORD_ENV,
        baseDn: `OU=Staff,${dc.baseDn}`,
        timeoutMs: 30_000,
      }),
    );
    useReaderFactory(services, null);
    log('raw paged search…');
    let start = performance.now();
    const read = await createDirectoryReader(src.connection, services).read({ mode: 'full' });
    let entries = 0;
    for await (const page of read.pages) entries += page.length;
    const rawSeconds = (performance.now() - start) / 1_000;
    const floorSeconds = rawSeconds + (await bulkInsertFloor(services, entries));
    log('full sync…');
    const full = await timedRun(services, src, 'full');
    const rate = entries / full.seconds;
    rows.push([
      'Samba AD full sync (end to end)',
      String(entries),
      fmt(full.seconds),
      `${fmt(rate)}/s; floor ${fmt(floorSeconds)} s (search ${fmt(rawSeconds)} s + insert); ${fmt(full.seconds / floorSeconds)}× floor`,
      `≥ 2,000/s: ${rate >= 2_000 ? 'yes' : '**no**'}; ≤ 1.5× floor: ${full.seconds <= 1.5 * floorSeconds ? 'yes' : '**no**'}`,
    ]);
    log('100 changes…');
    await dc.asAdmin(async (client) => {
      const { Attribute, Change } = await import('ldapts');
      for (let i = 0; i < 100; i += 1)
        await client.modify(
          `CN=u${i},OU=Staff,${dc.baseDn}`,
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'title', values: ['Инженер'] }),
          }),
        );
    });
    start = performance.now();
    const incremental = await timedRun(services, src, 'incremental');
    rows.push([
      'Samba AD incremental sync, 100 changes',
      String(incremental.run.counts.read ?? 0),
      fmt(incremental.seconds),
      `updates ${incremental.run.counts.update ?? 0}`,
      `< 1 s: ${incremental.seconds < 1 ? 'yes' : '**no**'}`,
    ]);
  } finally {
    await dc.close();
  }
}

/**
 * `npm run bench -- sync [--people 10000] [--large 100000] [--no-samba]`: the engine over a
 * generated directory (full, then 100 changes incrementally), a large generated full run with
 * its peak memory, and the end-to-end sync of a Samba AD DC against its floor.
 */
export async function runSyncBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      people: { type: 'string', default: '10000' },
      large: { type: 'string', default: '100000' },
      'no-samba': { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
    },
  });
  const total = Number(values.people);
  const large = Number(values.large);
  const db = await openBenchDatabase('sync', { fresh: true, poolMax: 8 });
  const rows: string[][] = [];
  try {
    const { services } = db;
    const changed = new Set<number>();
    const readers = new Map<string, DirectoryReader>();
    useReaderFactory(services, (src) => readers.get(src.id) as DirectoryReader);
    const gen = source('bench-gen', fakeConnection('bench-gen'));
    readers.set(gen.id, generatedReader(total, changed));
    log(`generated: full sync of ${total}…`);
    const full = await timedRun(services, gen, 'full');
    rows.push([
      'Engine, generated pages: full sync (all creates)',
      String(total),
      fmt(full.seconds),
      `${fmt(total / full.seconds)}/s`,
      '',
    ]);
    const again = await timedRun(services, gen, 'full');
    rows.push([
      'Engine, generated pages: full sync, nothing changed',
      String(total),
      fmt(again.seconds),
      `${fmt(total / again.seconds)}/s`,
      '',
    ]);
    for (let i = 0; i < 100; i += 1) changed.add(i * 7);
    const incr = await timedRun(services, gen, 'incremental');
    rows.push([
      'Engine, generated pages: incremental, 100 changes',
      '100',
      fmt(incr.seconds),
      `updates ${incr.run.counts.update ?? 0}`,
      `< 1 s: ${incr.seconds < 1 ? 'yes' : '**no**'}`,
    ]);
    if (large > 0) {
      const big = source('bench-large', fakeConnection('bench-large'));
      readers.set(big.id, generatedReader(large, new Set()));
      let peak = process.memoryUsage().rss;
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      log(`generated: full sync of ${large}…`);
      const result = await timedRun(services, big, 'full').finally(() => clearInterval(timer));
      rows.push([
        'Engine, generated pages: large full sync',
        String(large),
        fmt(result.seconds),
        `${fmt(large / result.seconds)}/s; peak RSS ${fmt(peak / 2 ** 20)} MiB`,
        `< 60 s: ${result.seconds < 60 ? 'yes' : '**no**'}`,
      ]);
    }
    if (!values['no-samba'])
      await sambaStage(services, total, rows).catch((error: unknown) => {
        log(`Samba stage failed: ${error instanceof Error ? error.stack : String(error)}`);
        rows.push([
          'Samba AD full sync',
          String(total),
          '',
          '',
          `not measured: ${String(error).slice(0, 200)}`,
        ]);
      });
  } finally {
    await db.close();
  }
  process.stdout.write(
    `${table(['Measure', 'people', 'seconds', 'rate / notes', 'target'], rows)}\n`,
  );
}
