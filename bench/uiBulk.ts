import { randomUUID } from 'node:crypto';
import QueryStream from 'pg-query-stream';
import { exportUsersSql } from '../server/directory/users/userQuery.ts';
import type { BulkJobView } from '../server/identity/bulkJobs/schemas.ts';
import type { BenchClient } from './support/client.ts';
import type { BenchDatabase } from './support/database.ts';
import { fmt, table } from './support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const TRIALS = 3;
/** People a bulk job acts on (issue 16: "a bulk deactivation of 5,000 filtered people"). */
const BULK_PEOPLE = 5_000;
const BULK_ORGANIZATION = 'Бенчмарк: массовые действия';

interface Download {
  ms: number;
  firstByteMs: number;
  bytes: number;
}

/** Downloads `path` to its end through the real API; times the first and the last byte. */
async function download(client: BenchClient, baseUrl: string, path: string): Promise<Download> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    headers: { cookie: client.cookieHeader },
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  let firstByteMs = 0;
  let bytes = 0;
  for await (const chunk of response.body) {
    if (bytes === 0) firstByteMs = performance.now() - started;
    bytes += (chunk as Uint8Array).byteLength;
  }
  return { ms: performance.now() - started, firstByteMs, bytes };
}

/**
 * The floor: the export's own statement (every column, the same joins and order) read to the
 * end through the same pool with the same cursor, rows dropped — what the database and the
 * driver cost before any CSV or XLSX is written or sent.
 */
async function floor(db: BenchDatabase): Promise<{ ms: number; rows: number }> {
  const em = db.services.orm.em.fork();
  const statement = exportUsersSql(em, {}, { now: new Date() });
  const started = performance.now();
  const client = await db.services.pool.connect();
  let rows = 0;
  try {
    const stream = client.query(
      new QueryStream(statement.sql, [...statement.bindings], {
        batchSize: 2000,
        highWaterMark: 2000,
        rowMode: 'array',
      }),
    );
    for await (const _ of stream) rows++;
  } finally {
    client.release();
  }
  return { ms: performance.now() - started, rows };
}

/** The organization of the bulk measures, holding BULK_PEOPLE plain people (made once). */
async function bulkOrganization(db: BenchDatabase): Promise<string> {
  const { pool } = db.services;
  const found = await pool.query<{ id: string }>('select id from organization where name = $1', [
    BULK_ORGANIZATION,
  ]);
  if (found.rows[0]) return found.rows[0].id;
  const id = randomUUID();
  await pool.query(`insert into organization (id, name, kind) values ($1, $2, 'department')`, [
    id,
    BULK_ORGANIZATION,
  ]);
  await pool.query(
    `update app_user set organization_id = $1
      where id in (select id from app_user where role is null and status = 'active'
                    and source = 'manual' order by id limit $2)`,
    [id, BULK_PEOPLE],
  );
  return id;
}

/** Runs a bulk job through the API to its end; ms from the request to the job seen done. */
async function bulkJob(
  client: BenchClient,
  body: Record<string, unknown>,
): Promise<{
  ms: number;
  job: BulkJobView;
}> {
  const started = performance.now();
  const response = await client.timed('POST', '/api/v1/bulk-jobs', body);
  if (response.status !== 202) throw new Error(`bulk job: HTTP ${response.status}`);
  const id = (JSON.parse(response.body) as BulkJobView).id;
  for (;;) {
    const seen = await client.timed('GET', `/api/v1/bulk-jobs/${id}`);
    const job = JSON.parse(seen.body) as BulkJobView;
    if (job.status !== 'running' && job.status !== 'queued')
      return { ms: performance.now() - started, job };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * Issue 16's figures beside the `ui` benchmark's: the export of the whole people list (CSV and
 * XLSX, through the real API, to the last byte) beside the floor measured in the same run, and
 * a bulk deactivation of 5,000 filtered people as a job (then their activation, which puts the
 * data set back). Answers a markdown table.
 */
export async function measureBulkAndExport(
  db: BenchDatabase,
  baseUrl: string,
  client: BenchClient,
): Promise<string> {
  log('export: floor, CSV, XLSX…');
  const floors: number[] = [];
  let people = 0;
  const csv: Download[] = [];
  const xlsx: Download[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const measured = await floor(db);
    floors.push(measured.ms);
    people = measured.rows;
    csv.push(await download(client, baseUrl, '/users/export?format=csv'));
    xlsx.push(await download(client, baseUrl, '/users/export?format=xlsx'));
  }
  log('bulk jobs…');
  const organizationId = await bulkOrganization(db);
  const deactivate = await bulkJob(client, {
    verb: 'deactivate',
    filter: { organizationId, status: 'active' },
    reason: 'Бенчмарк',
  });
  const activate = await bulkJob(client, {
    verb: 'activate',
    filter: { organizationId, status: 'deactivated' },
  });
  const exportRow = (name: string, runs: Download[]) => {
    const ms = median(runs.map((run) => run.ms));
    return [
      name,
      fmt(median(runs.map((run) => run.firstByteMs))),
      fmt(ms),
      `${(median(runs.map((run) => run.bytes)) / 1_048_576).toFixed(1)} MiB`,
      fmt(people / (ms / 1000)),
      ms <= 10_000 ? 'yes' : '**no**',
    ];
  };
  const jobRow = (name: string, run: { ms: number; job: BulkJobView }) => [
    name,
    '',
    fmt(run.ms),
    `${run.job.ok} ok, ${run.job.skipped} skipped, ${run.job.failed} failed`,
    fmt(run.job.total / (run.ms / 1000)),
    '',
  ];
  const floorMs = median(floors);
  return table(
    [
      'measure (median of 3; jobs once)',
      'first byte ms',
      'total ms',
      'size / result',
      'people/s',
      '≤ 10 s',
    ],
    [
      [
        'Floor: the export query read through the same pool, rows dropped',
        '',
        fmt(floorMs),
        `${people} rows`,
        fmt(people / (floorMs / 1000)),
        '',
      ],
      exportRow(`Export CSV of ${people} people (GET /users/export)`, csv),
      exportRow(`Export XLSX of ${people} people`, xlsx),
      jobRow(`Bulk job: deactivate ${deactivate.job.total} filtered people`, deactivate),
      jobRow(`Bulk job: activate them again`, activate),
    ],
  );
}
