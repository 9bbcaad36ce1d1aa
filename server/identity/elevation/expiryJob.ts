import type PgBoss from 'pg-boss';
import type { Services } from '../../shared/services.ts';
import { tidyExpiredGrants } from '../grants/expiry.ts';
import { lapseElevationRequests } from './lapse.ts';

/** The pg-boss queue of the tidy-up of expired grants and lapsed elevation requests. */
export const EXPIRY_QUEUE = 'grants-expiry';

/** What one pass tidied. */
export interface ExpiryResult {
  grantsExpired: number;
  requestsLapsed: number;
}

/** One pass: expired grants ended and audited, undecided requests past their time lapsed. */
export async function tidyElevation(services: Services): Promise<ExpiryResult> {
  return {
    grantsExpired: await tidyExpiredGrants(services),
    requestsLapsed: await lapseElevationRequests(services),
  };
}

/**
 * Registers the tidy-up on a started pg-boss: every minute (pg-boss makes one job per slot
 * however many processes run) and once at start, so what expired while the service was down is
 * tidied at once. Rights never wait for it (every check reads the clock); a second run finds
 * nothing left to do. `ensureQueue` creates the queue safely across processes.
 */
export async function startElevationExpiryJob(
  services: Services,
  boss: PgBoss,
  ensureQueue: (services: Services, boss: PgBoss, name: string) => Promise<void>,
): Promise<void> {
  await ensureQueue(services, boss, EXPIRY_QUEUE);
  await boss.schedule(EXPIRY_QUEUE, '* * * * *', {});
  await boss.work(EXPIRY_QUEUE, async () => {
    const result = await tidyElevation(services);
    if (result.grantsExpired + result.requestsLapsed > 0)
      services.logger.info(result, 'expired grants and lapsed elevation requests tidied');
  });
  await boss.send(EXPIRY_QUEUE, {});
}
