import type { Services } from '../../server/shared/services.ts';

/**
 * A sampling profiler of SQL statements: every `everyMs`, which statements of this database are
 * active (pg_stat_activity), counted by their first 60 characters. The share of samples is the
 * share of wall time a statement kept PostgreSQL busy (pg_stat_statements would need a restart
 * of the embedded server with shared_preload_libraries).
 */
export function sampleStatements(services: Services, everyMs = 25): { stop(): string } {
  const counts = new Map<string, number>();
  let samples = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void services.pool
      .query<{ q: string }>(
        `select regexp_replace(left(query, 60), '\\s+', ' ', 'g') as q from pg_stat_activity
          where state = 'active' and pid <> pg_backend_pid() and datname = current_database()`,
      )
      .then(({ rows }) => {
        samples += 1;
        for (const { q } of rows) counts.set(q, (counts.get(q) ?? 0) + 1);
      })
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, Number(process.env.SAMPLE_TOP ?? 6))
        .map(([q, n]) => `${Math.round((100 * n) / Math.max(1, samples))}% \`${q.trim()}…\``)
        .join('; ');
    },
  };
}
