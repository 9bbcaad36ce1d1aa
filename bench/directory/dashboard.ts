import { insertDemoStatusHistory } from '../../server/demo/insert.ts';
import type { Services } from '../../server/shared/services.ts';
import { type BenchClient, sequential } from '../support/client.ts';
import { type Latency, latency } from '../support/stats.ts';

/** The dashboard's load beside its floor, and the history it read. */
export interface DashboardResult {
  /** GET /api/v1/statistics?weeks=12 as the superadmin (every series). */
  product: Latency;
  /**
   * The floor: the rows the people-by-status series needs, read the plainest way on the same
   * pool (a count of the people by status; of the window's joiners and of its changes).
   */
  floor: Latency;
  people: number;
  changes: number;
  /** Changes the data set lacked and this run recorded (a data set seeded before the demo did). */
  backfilled: number;
}

// As the dashboard's default window: twelve weeks back from this week's Monday.
const WINDOW = `date_trunc('week', now()) - interval '11 weeks'`;

/**
 * GET /api/v1/statistics (the console's landing page), `count` times after 5 warm-up loads, and
 * its floor as many times. The demo people deactivated earlier get their status history first,
 * if the data set was seeded before the demo recorded it (once; the data set keeps it).
 */
export async function measureDashboard(
  services: Services,
  client: BenchClient,
  count = 20,
): Promise<DashboardResult> {
  const backfilled = await insertDemoStatusHistory(services.orm.em.fork(), null);
  if (backfilled > 0) await services.pool.query('vacuum analyze user_status_change');
  const product = await sequential(count, 5, () =>
    client.timed('GET', '/api/v1/statistics?weeks=12'),
  );
  const floor: number[] = [];
  for (let i = 0; i < count + 5; i += 1) {
    const start = performance.now();
    await Promise.all([
      services.pool.query('select status, count(*) from app_user group by status'),
      services.pool.query(`select count(*) from app_user where created_at >= ${WINDOW}`),
      services.pool.query(`select count(*) from user_status_change where changed_at >= ${WINDOW}`),
    ]);
    if (i >= 5) floor.push(performance.now() - start);
  }
  const { rows } = await services.pool.query<{ people: number; changes: number }>(
    `select (select count(*) from app_user)::int as people,
            (select count(*) from user_status_change)::int as changes`,
  );
  return {
    product: latency(product),
    floor: latency(floor),
    people: rows[0]?.people ?? 0,
    changes: rows[0]?.changes ?? 0,
    backfilled,
  };
}
