import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../server/app.ts';
import {
  type AppendResult,
  dropFloor,
  measureAppends,
  measureTail,
  prepareFloor,
  type TailTiming,
  timeVerify,
  type VerifyTiming,
} from './directory/appends.ts';
import {
  type AuditListResult,
  type ExportResult,
  measureAuditLists,
  measureExports,
} from './directory/audit.ts';
import { type DashboardResult, measureDashboard } from './directory/dashboard.ts';
import { buildData, type DataState, dataSetName, readState } from './directory/data.ts';
import { measureDeactivate } from './directory/deactivate.ts';
import { measureSearch, type Searcher, type SearchResult } from './directory/search.ts';
import { searchTable } from './directory/searchFloor.ts';
import { BENCH_DATA_DIR, openBenchDatabase } from './support/database.ts';
import { signInOperator, signInSuperadmin } from './support/session.ts';
import { fmt, type Latency, table } from './support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Results {
  state: DataState;
  reused: boolean;
  search: SearchResult[] | string;
  auditLists: AuditListResult[] | string;
  exports: ExportResult[] | string;
  deactivate: Latency | string;
  dashboard: DashboardResult | string;
  appends: AppendResult[];
  tail: TailTiming | string;
  verify: VerifyTiming;
  load: string;
}

/**
 * Who searches (issue 18): the superadmin (the figures since issue 2), a company-wide admin, and
 * an admin whose only right is a grant over one branch, the organization subtree holding the
 * number of people closest to a fifth of the company (a big branch: the scope filter is
 * thousands of people wide and lists hundreds of organizations).
 */
async function searchers(
  services: Parameters<typeof signInOperator>[0],
  baseUrl: string,
  superadmin: Searcher['client'],
): Promise<Searcher[]> {
  const { rows } = await services.pool.query<{ id: string; organizations: string[]; n: number }>(
    `with recursive tree(root, id) as (
       select id, id from organization
       union all
       select t.root, o.id from organization o join tree t on o.parent_id = t.id),
     direct as (
       select organization_id as id, count(*) as n from app_user
        where organization_id is not null group by 1)
     select t.root::text as id, array_agg(t.id::text) as organizations,
            coalesce(sum(d.n), 0)::int as n
       from tree t left join direct d on d.id = t.id group by t.root
      order by abs(coalesce(sum(d.n), 0) - (select count(*) from app_user) / 5) limit 1`,
  );
  const branch = rows[0];
  if (!branch) throw new Error('no organization to scope an admin to');
  log(
    `  scoped admin: ${branch.organizations.length} organizations, ${branch.n.toLocaleString('en-US')} people`,
  );
  const admin = await signInOperator(services, baseUrl, 'bench.admin', { role: 'admin' });
  const scoped = await signInOperator(services, baseUrl, 'bench.scoped', {
    grant: 'admin',
    scope: [branch.id],
  });
  return [
    { label: '', client: superadmin, organizations: null },
    { label: 'admin', client: admin.client, organizations: null },
    {
      label: `scoped admin, ${branch.n.toLocaleString('en-US')} people`,
      client: scoped.client,
      organizations: branch.organizations,
    },
  ];
}

/** Runs a stage, turning a failure into the reason it could not be measured. */
async function stage<T>(name: string, run: () => Promise<T>): Promise<T | string> {
  log(`${name}…`);
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`  ${name} not measured: ${reason}`);
    return `not measured: ${reason.slice(0, 200)}`;
  }
}

const mark = (ok: boolean) => (ok ? 'yes' : '**no**');

function latencyRow(name: string, l: Latency, target: number, extra: string): string[] {
  return [
    name,
    String(l.n),
    fmt(l.p50),
    fmt(l.p95),
    fmt(l.p99),
    `≤ ${target}`,
    mark(l.p95 <= target),
    extra,
  ];
}

function report(r: Results): string {
  const out: string[] = [];
  const s = r.state;
  out.push(
    `Data set: ${s.people.toLocaleString('en-US')} people, ${s.auditEvents.toLocaleString('en-US')} audit events, built ${s.builtAt}${r.reused ? ' (reused)' : ''}: people ${s.peopleSeconds.toFixed(1)} s, audit events ${s.auditSeconds.toFixed(1)} s (${fmt(s.auditEvents / s.auditSeconds)} events/s), VACUUM ANALYZE ${s.analyzeSeconds.toFixed(1)} s.`,
    '',
    'Latencies in ms, sequential requests over loopback HTTP, measured with performance.now() around fetch + body read, after 20 warm-up requests.',
    '',
  );
  const header = ['Request', 'n', 'p50', 'p95', 'p99', 'target p95', 'met', 'notes'];
  const rows: string[][] = [];
  if (typeof r.search === 'string')
    rows.push(['GET /users?q=…', '', '', '', '', '≤ 30', '', r.search]);
  else
    for (const x of r.search)
      rows.push(
        latencyRow(
          `GET /users?q= ${x.kind}`,
          x.latency,
          30,
          `e.g. \`${x.example}\`, mean total ${fmt(x.meanTotal)}, floor p50 / p95 ${fmt(x.floor.p50)} / ${fmt(x.floor.p95)}`,
        ),
      );
  if (typeof r.auditLists === 'string')
    rows.push(['GET /audit-events', '', '', '', '', '≤ 50', '', r.auditLists]);
  else
    for (const x of r.auditLists)
      rows.push(
        latencyRow(`GET /audit-events ${x.kind}`, x.latency, 50, `mean rows ${fmt(x.meanRows)}`),
      );
  if (typeof r.deactivate === 'string')
    rows.push(['POST /users/:id/deactivate', '', '', '', '', '≤ 25', '', r.deactivate]);
  else
    rows.push(
      latencyRow('POST /users/:id/deactivate', r.deactivate, 25, 'different person each time'),
    );
  if (typeof r.dashboard === 'string')
    rows.push(['GET /statistics?weeks=12', '', '', '', '', '', '', r.dashboard]);
  else {
    const d = r.dashboard;
    rows.push([
      'GET /statistics?weeks=12 (dashboard)',
      String(d.product.n),
      fmt(d.product.p50),
      fmt(d.product.p95),
      fmt(d.product.p99),
      '—',
      '—',
      `floor p50 / p95 ${fmt(d.floor.p50)} / ${fmt(d.floor.p95)} (people by status, the window's joiners and changes counted); ${d.people.toLocaleString('en-US')} people, ${d.changes.toLocaleString('en-US')} status changes${d.backfilled > 0 ? ` (${d.backfilled.toLocaleString('en-US')} recorded first)` : ''}`,
    ]);
  }
  out.push(table(header, rows), '');
  const throughput: string[][] = [];
  if (typeof r.exports === 'string')
    throughput.push(['GET /audit-events/export', '', '≥ 50,000/s', '', r.exports]);
  else
    for (const x of r.exports)
      throughput.push([
        `export ${x.format}`,
        `${fmt(x.perSecond)} events/s`,
        '≥ 50,000/s',
        mark(x.perSecond >= 50_000),
        `${x.events.toLocaleString('en-US')} events, ${fmt(x.megabytes)} MiB in ${x.seconds.toFixed(1)} s, client ${x.client}`,
      ]);
  // The faster of the two floor lines (first and last): the machine's drift must not flatter
  // what is measured between them.
  const floors = r.appends.filter((a) => a.mode === 'floor' && a.writers === 8);
  const floor = floors.length > 0 ? Math.max(...floors.map((a) => a.perSecond)) : null;
  for (const a of r.appends) {
    const product = a.mode === 'product' && a.writers === 8;
    const ratio = floor && a.mode !== 'floor' ? floor / a.perSecond : null;
    // floor-tx is reported against the autocommit floor too: the plainest way is the floor.
    const sealed =
      a.sealed === null ? '' : `, ${a.sealed.toLocaleString('en-US')} sealed into the chain`;
    throughput.push([
      `audit appends, ${a.writers} concurrent writer${a.writers > 1 ? 's' : ''} (${a.label})`,
      `${fmt(a.perSecond)} events/s${ratio ? ` (floor ÷ this: ${ratio.toFixed(2)})` : ''}`,
      product ? 'within 1.5× of the floor (the faster of its two lines)' : '',
      product && ratio ? mark(ratio <= 1.5) : '',
      `${a.events.toLocaleString('en-US')} events in ${a.seconds.toFixed(1)} s${sealed}`,
    ]);
  }
  if (typeof r.tail === 'string')
    throughput.push(['verify --since-checkpoint', '', '≥ 100,000 events/s', '', r.tail]);
  else {
    const t = r.tail;
    const verifyRate = t.verify.checked / t.verify.seconds;
    const [slower, faster] = [Math.min(...t.floorPerSecond), Math.max(...t.floorPerSecond)];
    throughput.push(
      [
        'audit staging, 5,000 events per statement',
        `${fmt(t.events / t.stagingSeconds)} events/s`,
        '',
        '',
        `${t.events.toLocaleString('en-US')} events in ${t.stagingSeconds.toFixed(1)} s`,
      ],
      [
        'audit sealing, the COMMIT of each 5,000',
        `${fmt(t.events / t.sealSeconds)} events/s`,
        '',
        '',
        `${t.sealSeconds.toFixed(1)} s; a checkpoint at the head before took ${t.checkpointSeconds.toFixed(1)} s`,
      ],
      [
        'verify --since-checkpoint (events after the last signed one)',
        t.verify.ok ? `${fmt(verifyRate)} events/s` : `**broken**: ${t.verify.problem}`,
        '≥ 100,000 events/s',
        mark(t.verify.ok && verifyRate >= 100_000),
        `${t.verify.checked.toLocaleString('en-US')} events in ${t.verify.seconds.toFixed(2)} s; floor ÷ this: ${(slower / verifyRate).toFixed(2)} to ${(faster / verifyRate).toFixed(2)}`,
      ],
      [
        'floor: the same rows read and chained with SHA-256, one thread (before / after)',
        `${t.floorPerSecond.map(fmt).join(' / ')} events/s`,
        '',
        '',
        'same select, COPY, driver and pool; jsonb as text; no canonical JSON, no checks',
      ],
    );
  }
  const v = r.verify;
  throughput.push([
    'verifyAuditChain (whole chain)',
    v.ok ? 'ok' : `**broken**: ${v.problem}`,
    'ok',
    mark(v.ok),
    `${v.checked.toLocaleString('en-US')} events in ${v.seconds.toFixed(1)} s (${fmt(v.checked / v.seconds)} events/s)`,
  ]);
  out.push(table(['Measure', 'figure', 'target', 'met', 'notes'], throughput));
  out.push('', `Load average (1/5/15 min) during the run: ${r.load}.`);
  return out.join('\n');
}

/**
 * `npm run bench -- directory [--fresh] [--requests 200] [--append-seconds 10]
 * [--tail-events 200000] [--people 100000]
 * [--only search,audit,export,deactivate,dashboard,appends,tail]`:
 * builds (or reuses) `--people` people (100,000 by default, in bench/.data/directory; other sizes
 * in bench/.data/directory-<people>) and 1,000,000 audit events, starts the real app
 * on loopback and measures search, audit lists, export, deactivation, the dashboard and concurrent
 * appends.
 */
export async function runDirectoryBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      fresh: { type: 'boolean', default: false },
      requests: { type: 'string', default: '200' },
      'append-seconds': { type: 'string', default: '10' },
      'tail-events': { type: 'string', default: '200000' },
      people: { type: 'string', default: '100000' },
      only: { type: 'string' },
    },
  });
  const requests = Number(values.requests);
  const only = values.only?.split(',');
  const want = (name: string) => !only || only.includes(name);
  const skipped = 'skipped (--only)';
  const people = Number(values.people);
  if (!Number.isInteger(people) || people < 1000)
    throw new Error('--people: a whole number ≥ 1000');
  const name = dataSetName(people);
  const dir = join(BENCH_DATA_DIR, name);
  const existing = values.fresh ? null : readState(dir, people);
  log(existing ? `reusing the data built ${existing.builtAt}` : 'building a fresh data set');
  const loadStart = loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  const db = await openBenchDatabase(name, { fresh: existing === null, poolMax: 16 });
  let server: Server | null = null;
  try {
    const { services } = db;
    const state = existing ?? (await buildData(services, db.dir, log, people));
    const { app } = createApp(services);
    const listening: Server = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    const baseUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const { client } = await signInSuperadmin(services, baseUrl);
    const targets = await services.pool.query<{ id: string; label: string }>(
      'select id::text as id, display_name as label from app_user order by random() limit 1000',
    );
    const results: Results = {
      state,
      reused: existing !== null,
      search: !want('search')
        ? skipped
        : await stage('search', async () => {
            const measured = await measureSearch(
              services,
              await searchers(services, baseUrl, client),
              requests,
            );
            // The stage's table at once: a later stage's failure loses nothing measured here.
            process.stdout.write(
              `Search, ${state.people.toLocaleString('en-US')} people (floor: searchFloor.ts):\n\n${searchTable(measured)}\n\n`,
            );
            return measured;
          }),
      auditLists: !want('audit')
        ? skipped
        : await stage('audit lists', () => measureAuditLists(services, client, requests)),
      exports: !want('export')
        ? skipped
        : await stage('audit exports', () => measureExports(client)),
      deactivate: !want('deactivate')
        ? skipped
        : await stage('deactivate', () => measureDeactivate(services, client, requests)),
      dashboard: !want('dashboard')
        ? skipped
        : await stage('dashboard', () => measureDashboard(services, client)),
      appends: [],
      tail: skipped,
      verify: { ok: false, checked: 0, seconds: 0, problem: 'not run' },
      load: '',
    };
    const seconds = Number(values['append-seconds']);
    if (want('appends')) await prepareFloor(services);
    // The floor first and last, so drift in the machine's load shows beside the product.
    for (const [label, mode, writers] of [
      ['floor: one-row autocommit INSERT into a copy of audit_event', 'floor', 8],
      ['floor in a transaction: BEGIN, the same INSERT, COMMIT', 'floor-tx', 8],
      ['product: runCommand and ctx.audit', 'product', 8],
      ['raw SQL: the same staging statement and seal, no ORM', 'staging', 8],
      ['runCommand with no audit event, in commands/s: what any command pays', 'runner', 8],
      ['floor again', 'floor', 8],
      ['product, 1 writer for comparison', 'product', 1],
    ] as const) {
      if (!want('appends')) break;
      const result = await measureAppends(services, targets.rows, {
        label,
        mode,
        writers,
        seconds,
      });
      // Printed at once, so a later failure loses nothing already measured.
      log(`  ${label}: ${fmt(result.perSecond)} events/s (${result.events} events)`);
      results.appends.push(result);
    }
    if (want('appends')) await dropFloor(services);
    if (want('tail'))
      results.tail = await stage('sealing and verification from the last checkpoint', () =>
        measureTail(services, Number(values['tail-events'])),
      );
    results.verify = await timeVerify(services);
    results.load = `${loadStart} at the start, ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' / ')} at the end`;
    const [version] = (
      await services.pool.query<{ v: string }>("select current_setting('server_version') as v")
    ).rows;
    log(`PostgreSQL ${version?.v}`);
    process.stdout.write(`${report(results)}\n`);
  } finally {
    if (server) {
      const open: Server = server;
      open.closeAllConnections();
      await new Promise<void>((resolve) => open.close(() => resolve()));
    }
    await db.close();
  }
}
