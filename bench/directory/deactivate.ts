import type { Services } from '../../server/shared/services.ts';
import { type BenchClient, sequential } from '../support/client.ts';
import { type Latency, latency } from '../support/stats.ts';

/**
 * POST /api/v1/users/:id/deactivate {reason} for `count` different active, manually added
 * plain users (plus a warm-up on others), one after another.
 */
export async function measureDeactivate(
  services: Services,
  client: BenchClient,
  count = 200,
): Promise<Latency> {
  const warmup = 20;
  const people = await services.pool.query<{ id: string }>(
    `select id::text as id from app_user
     where status = 'active' and role is null and source = 'manual' order by random() limit $1`,
    [count + warmup],
  );
  if (people.rows.length < count + warmup)
    throw new Error('not enough active people left to deactivate');
  const samples = await sequential(count, warmup, (i) =>
    client.timed('POST', `/api/v1/users/${people.rows[i]?.id}/deactivate`, {
      reason: 'Benchmark: увольнение по собственному желанию',
    }),
  );
  return latency(samples);
}
