import { parseArgs } from 'node:util';
import { directorySourceSchema } from '../server/shared/config/directorySources.ts';
import type { Services } from '../server/shared/services.ts';
import { useReaderFactory } from '../server/sources/registry.ts';
import type {
  DirectoryReader,
  ReadMode,
  SourcePerson,
  SyncCursor,
} from '../server/sources/types.ts';
import { openBenchDatabase } from './support/database.ts';
import { fmt, table } from './support/stats.ts';
import { sampleMemory, syncSource, timedRun } from './sync/engineRuns.ts';
import { ldapWatchStage } from './sync/ldapWatchStage.ts';
import { openLdapStage } from './sync/openLdapStage.ts';
import { sambaStage } from './sync/sambaStage.ts';
import { watchStage } from './sync/watchStage.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_BENCH_SYNC_AD_PASSWORD';
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

const fakeConnection = (id: string) =>
  directorySourceSchema.parse({
    id,
    kind: 'ldap',
    url: 'ldaps://bench.invalid',
    bindDn: 'cn=bench',
    bindPasswordEnv: PASSWORD_ENV,
    baseDn: 'dc=bench',
  });

/**
 * `npm run bench -- sync [--people 10000] [--large 100000] [--no-samba] [--no-openldap]
 * [--only samba|openldap|watch|ldap-watch] [--trials 20] [--sample-sql] [--ldap-sizes 10000,100000,1000000] [--floors-only]`: the engine over a generated directory (full, then 100 changes
 * incrementally), a large generated full run with its peak memory, the end-to-end sync of a
 * Samba AD DC (10,000 people) against its floor with two incremental runs, and the end-to-end
 * sync of 100,000 people from OpenLDAP (its own database; about two minutes). The directories
 * are built once under bench/.data (samba-10k, openldap-100k) and copied for each run.
 * `--sample-sql` adds the busiest SQL statements of the directory full runs (sampled from
 * pg_stat_activity every 25 ms; it costs a little, so leave it off for the recorded figures).
 * Each OpenLDAP size prints its rows as it measures them: the full sync with peak RSS, the
 * same-index floor (the same paged search plus one INSERT … SELECT into a copy of app_user with
 * its indexes), and the no-change run against the bare search; `--floors-only` stops there.
 * `BENCH_LDAP_CACHE=/work/.cache` keeps the templates outside the repository (see
 * bench/sync/buildTemplate.ts for the million).
 */
export async function runSyncBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      people: { type: 'string', default: '10000' },
      large: { type: 'string', default: '100000' },
      'no-samba': { type: 'boolean', default: false },
      'no-openldap': { type: 'boolean', default: false },
      only: { type: 'string' },
      'sample-sql': { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      'ldap-sizes': { type: 'string', default: '10000,100000' },
      'floors-only': { type: 'boolean', default: false },
      trials: { type: 'string' },
    },
  });
  const total = Number(values.people);
  const large = Number(values.large);
  const only = values.only;
  const stages = ['samba', 'openldap', 'watch', 'ldap-watch'];
  if (only !== undefined && !stages.includes(only))
    throw new Error(`--only takes ${stages.join(', ')}`);
  const db = await openBenchDatabase('sync', { fresh: true, poolMax: 8 });
  const rows: string[][] = [];
  try {
    const { services } = db;
    // The watch stages' trials per door and path (20 by default).
    const trials = values.trials === undefined ? undefined : Number(values.trials);
    if (only === 'watch') {
      await watchStage(services, trials);
      return;
    }
    if (only === 'ldap-watch') {
      await ldapWatchStage(services, trials);
      return;
    }
    if (only === undefined) await generatedStages(services, total, large, rows);
    if (only === 'samba' || (only === undefined && !values['no-samba']))
      await sambaStage(services, rows, { sampleSql: values['sample-sql'] }).catch(
        (error: unknown) => {
          log(`Samba stage failed: ${error instanceof Error ? error.stack : String(error)}`);
          rows.push([
            'Samba AD full sync',
            '10000',
            '',
            '',
            `not measured: ${String(error).slice(0, 200)}`,
          ]);
        },
      );
  } finally {
    await db.close();
  }
  // Its own database: the 100k people share logins and employee numbers with the Samba ones.
  if (only === 'openldap' || (only === undefined && !values['no-openldap']))
    // 10,000 first: the deletion detection's id enumeration at the size of the Samba figures.
    for (const people of values['ldap-sizes'].split(',').map(Number))
      await openLdapStage(rows, {
        sampleSql: values['sample-sql'],
        people,
        floorsOnly: values['floors-only'],
      }).catch((error: unknown) => {
        log(`OpenLDAP stage failed: ${error instanceof Error ? error.stack : String(error)}`);
        rows.push([
          'OpenLDAP full sync',
          String(people),
          '',
          '',
          `not measured: ${String(error).slice(0, 200)}`,
        ]);
      });
  process.stdout.write(
    `${table(['Measure', 'people', 'seconds', 'rate / notes', 'target'], rows)}\n`,
  );
}

/** The engine alone over generated pages: 10,000 (full, again, 100 changes) and a large full run. */
async function generatedStages(
  services: Services,
  total: number,
  large: number,
  rows: string[][],
): Promise<void> {
  const changed = new Set<number>();
  const readers = new Map<string, DirectoryReader>();
  useReaderFactory(services, (src) => readers.get(src.id) as DirectoryReader);
  const gen = syncSource(fakeConnection('bench-gen'));
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
    const big = syncSource(fakeConnection('bench-large'));
    readers.set(big.id, generatedReader(large, new Set()));
    const memory = sampleMemory();
    log(`generated: full sync of ${large}…`);
    const result = await timedRun(services, big, 'full');
    const peak = memory.stop();
    rows.push([
      'Engine, generated pages: large full sync',
      String(large),
      fmt(result.seconds),
      `${fmt(large / result.seconds)}/s; peak RSS ${fmt(peak.rssMiB)} MiB, heap ${fmt(peak.heapMiB)} MiB`,
      `< 60 s: ${result.seconds < 60 ? 'yes' : '**no**'}`,
    ]);
  }
}
