import type pg from 'pg';
import { searchConditions } from '../../server/directory/users/searchTerms.ts';
import type { Timed } from '../support/client.ts';
import { fmt, type Latency, table } from '../support/stats.ts';

/**
 * The search's floor (issue 17, scope 1 and 3): the plainest fast query doing the same work with
 * the same indexes — the product's own search conditions (searchTerms.ts) and filters, `LIMIT
 * 25`, no order, no joins, no count — sent on the benchmark's raw pg pool, without HTTP, the
 * session, the ORM or the presenter. `filter` is the product request's filter query string
 * (`&status=active`, `&organizationId=…`), and `organizations` a scoped searcher's subtree, so
 * both ask for the same people.
 */
export async function floorSearch(
  pool: pg.Pool,
  q: string,
  filter: string,
  organizations: readonly string[] | null = null,
): Promise<Timed> {
  const where: string[] = [];
  const bindings: string[] = [];
  for (const condition of searchConditions(q)) {
    where.push(condition.sql);
    bindings.push(...condition.bindings);
  }
  const params = new URLSearchParams(filter.replace(/^&/, ''));
  const status = params.get('status');
  const organizationId = params.get('organizationId');
  if (status) {
    where.push('u.status = ?');
    bindings.push(status);
  }
  if (organizationId) {
    where.push('u.organization_id = ?::uuid');
    bindings.push(organizationId);
  }
  // A scoped searcher's reach (issue 18), as its CASL condition becomes SQL.
  const scoped: unknown[] = organizations ? [[...organizations]] : [];
  if (organizations) where.push('u.organization_id = any(?::uuid[])');
  let n = 0;
  const sql = `select u.id from app_user u where ${where.join(' and ')} limit 25`.replace(
    /\?/g,
    () => `$${++n}`,
  );
  const start = performance.now();
  const result = await pool.query(sql, [...bindings, ...scoped]);
  return { status: 200, ms: performance.now() - start, body: String(result.rowCount) };
}

/** One search kind's product and floor latencies, for the per-stage table. */
export interface SearchRow {
  kind: string;
  example: string;
  latency: Latency;
  floor?: Latency;
  meanTotal: number;
}

/**
 * The search stage's table, printed as soon as the stage ends (a later failure loses nothing):
 * the product's p50 / p95 / p99 beside the floor's, the ratio of the p95s, and the target.
 */
export function searchTable(rows: readonly SearchRow[], target = 30): string {
  return table(
    [
      'GET /users?q=',
      'n',
      'p50',
      'p95',
      'p99',
      'floor p50',
      'floor p95',
      'p95 ÷ floor p95',
      `met (p95 ≤ ${target})`,
      'mean total',
      'e.g.',
    ],
    rows.map((r) => [
      r.kind,
      String(r.latency.n),
      fmt(r.latency.p50),
      fmt(r.latency.p95),
      fmt(r.latency.p99),
      r.floor ? fmt(r.floor.p50) : '',
      r.floor ? fmt(r.floor.p95) : '',
      r.floor ? (r.latency.p95 / r.floor.p95).toFixed(1) : '',
      r.latency.p95 <= target ? 'yes' : '**no**',
      fmt(r.meanTotal),
      `\`${r.example}\``,
    ]),
  );
}
