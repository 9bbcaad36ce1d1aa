import { spawn } from 'node:child_process';
import { Random } from '../../server/demo/random.ts';
import type { Services } from '../../server/shared/services.ts';
import { type BenchClient, sequential } from '../support/client.ts';
import { type Latency, latency } from '../support/stats.ts';

/** One measured kind of audit list. */
export interface AuditListResult {
  kind: string;
  latency: Latency;
  meanRows: number;
}

/** One measured export. */
export interface ExportResult {
  format: string;
  events: number;
  megabytes: number;
  seconds: number;
  perSecond: number;
  /** What downloaded it. */
  client: string;
}

const DAY = 86_400_000;

/**
 * GET /api/v1/audit-events filtered by actor (a random operator, a random 30-day window) and by
 * target (a random person, a random 90-day window) within the last year: `count` sequential
 * requests each after a warm-up.
 */
export async function measureAuditLists(
  services: Services,
  client: BenchClient,
  count = 200,
): Promise<AuditListResult[]> {
  const actors = await services.pool.query<{ id: string }>(
    "select id::text as id from app_user where role is not null and username <> 'bench.superadmin'",
  );
  const targets = await services.pool.query<{ id: string }>(
    'select id::text as id from app_user order by random() limit 1000',
  );
  const rng = new Random(11);
  const now = Date.now();
  const window = (days: number) => {
    const from = now - 365 * DAY + rng.next() * (365 - days) * DAY;
    return `from=${new Date(from).toISOString()}&to=${new Date(from + days * DAY).toISOString()}`;
  };
  const kinds: [string, string, readonly { id: string }[], number][] = [
    ['actorId + 30-day range', 'actorId', actors.rows, 30],
    ['targetId + 90-day range', 'targetId', targets.rows, 90],
  ];
  const results: AuditListResult[] = [];
  for (const [kind, param, ids, days] of kinds) {
    let rows = 0;
    const samples = await sequential(count, 20, async (i) => {
      const result = await client.timed(
        'GET',
        `/api/v1/audit-events?${param}=${rng.pick(ids).id}&${window(days)}`,
      );
      if (i >= 20 && result.status === 200)
        rows += (JSON.parse(result.body) as { data: unknown[] }).data.length;
      return result;
    });
    results.push({ kind, latency: latency(samples), meanRows: rows / count });
  }
  return results;
}

/**
 * Downloads the whole audit log as NDJSON and as CSV and counts events per second. The client is
 * `curl | wc -l` in a child process (when curl is installed), so that reading 600 MiB does not
 * compete with the server for this process's event loop; otherwise fetch in this process.
 */
export async function measureExports(client: BenchClient): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  for (const format of ['ndjson', 'csv']) {
    const path = `/api/v1/audit-events/export?format=${format}`;
    const result = (await curlLines(client, path)) ?? (await client.countLines(path));
    if (result.status !== 200) throw new Error(`export ${format} answered ${result.status}`);
    const events = format === 'csv' ? result.lines - 1 : result.lines;
    results.push({
      format,
      events,
      megabytes: result.bytes / 1_048_576,
      seconds: result.seconds,
      perSecond: events / result.seconds,
      client: result.client,
    });
  }
  return results;
}

interface Download {
  status: number;
  lines: number;
  bytes: number;
  seconds: number;
  client: string;
}

/** `curl URL | wc -l` with curl's status and size on stderr, or null without curl. */
async function curlLines(client: BenchClient, path: string): Promise<Download | null> {
  const script =
    'command -v curl >/dev/null || exit 127; curl -sS -H "$1" -w "%{stderr}%{http_code} %{size_download}" "$2" | wc -l';
  const start = performance.now();
  const output = await new Promise<{ out: string; err: string } | null>((resolve) => {
    const args = ['-c', script, 'sh', `cookie: ${client.cookieHeader}`, `${client.baseUrl}${path}`];
    const child = spawn('sh', args);
    let out = '';
    let err = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString('utf8');
    });
    child.stderr.on('data', (data: Buffer) => {
      err += data.toString('utf8');
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? { out, err } : null));
  });
  const seconds = (performance.now() - start) / 1000;
  const match = output?.err.trim().match(/(\d{3}) (\d+)$/);
  if (!output || !match) return null;
  return {
    lines: Number(output.out.trim()),
    status: Number(match[1]),
    bytes: Number(match[2]),
    seconds,
    client: 'curl',
  };
}
