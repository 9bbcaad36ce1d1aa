import type PgBoss from 'pg-boss';
import type { Services } from '../../../shared/services.ts';
import { ensureQueue } from '../../ensureQueue.ts';
import { fireDueChanges } from './fire.ts';

/** The pg-boss queue that sweeps due scheduled changes. */
export const FIRE_QUEUE = 'scheduled-changes-fire';

/**
 * Registers the sweep of due scheduled changes on a started pg-boss: a cron job every minute
 * (pg-boss makes one job per slot however many processes run it) and one run right away, so
 * changes that fell due while the service was down fire at startup. The job only sweeps rows
 * whose instant has passed, so nothing is lost across restarts.
 */
export async function startScheduledChangesJob(services: Services, boss: PgBoss): Promise<void> {
  await ensureQueue(services, boss, FIRE_QUEUE);
  await boss.schedule(FIRE_QUEUE, '* * * * *', {});
  await boss.work(FIRE_QUEUE, async () => {
    const result = await fireDueChanges(services);
    if (result.fired + result.skipped > 0) services.logger.info(result, 'scheduled changes fired');
  });
  await boss.send(FIRE_QUEUE, {});
}
