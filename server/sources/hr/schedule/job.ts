import type PgBoss from 'pg-boss';
import type { Services } from '../../../shared/services.ts';
import { ensureQueue } from '../../ensureQueue.ts';
import { type DueTimer, startDueTimer } from './dueTimer.ts';
import { fireDueChanges } from './fire.ts';
import { moveToCompanyTimeZone } from './timeZoneMove.ts';

/** The pg-boss queue that sweeps due scheduled changes. */
export const FIRE_QUEUE = 'scheduled-changes-fire';

/**
 * Starts firing scheduled changes: a due timer that fires each change at its instant
 * (dueTimer.ts), and beneath it, as the net, the sweep on a started pg-boss: a cron job every
 * minute (pg-boss makes one job per slot however many processes run it) and one run right away,
 * so changes that fell due while the service was down fire at startup. Before either starts,
 * live changes are moved to the instants their dates mean in the configured time zone
 * (timeZoneMove.ts). Both only fire rows whose instant has passed, so nothing is lost across
 * restarts and nothing fires twice. Returns the timer, which the caller stops with pg-boss.
 */
export async function startScheduledChangesJob(
  services: Services,
  boss: PgBoss,
): Promise<DueTimer> {
  // Instants computed in a zone the configuration no longer names move before anything fires.
  const moved = await moveToCompanyTimeZone(services);
  if (moved > 0)
    services.logger.info(
      { moved, timeZone: services.config.hr.timeZone },
      'scheduled changes moved to the company time zone',
    );
  await ensureQueue(services, boss, FIRE_QUEUE);
  await boss.schedule(FIRE_QUEUE, '* * * * *', {});
  await boss.work(FIRE_QUEUE, async () => {
    const result = await fireDueChanges(services);
    if (result.fired + result.skipped > 0) services.logger.info(result, 'scheduled changes fired');
  });
  await boss.send(FIRE_QUEUE, {});
  return startDueTimer(services);
}
