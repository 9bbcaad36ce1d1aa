import PgBoss from 'pg-boss';
import { systemActor } from '../authz/actor.ts';
import { JOBS_SCHEMA } from '../db/roles.ts';
import { startElevationExpiryJob } from '../identity/elevation/expiryJob.ts';
import { startInvitationSweepJob } from '../identity/invitations/sweep.ts';
import { startReviewReminderJob } from '../identity/reviews/remindReviewers.ts';
import { AppError } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { startChangeWatch } from './changeWatch.ts';
import { ensureQueue } from './ensureQueue.ts';
import type { RunMode } from './entities.ts';
import { startScheduledChangesJob } from './hr/schedule/job.ts';
import { findSource, listSources } from './registry.ts';
import { startRun } from './runs.ts';

/** The running scheduler of directory syncs. */
export interface SyncScheduler {
  boss: PgBoss;
  /** Re-reads the sources and (un)schedules their runs; also done every minute. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

const PREFIX = 'directory-sync';
const queueName = (sourceId: string, mode: 'full' | 'incremental') =>
  `${PREFIX}-${mode}-${sourceId}`;

interface SyncJob {
  sourceId: string;
  mode: RunMode;
}

/** Runs one scheduled job: a source already running skips this slot (the next one comes). */
async function runJob(services: Services, job: SyncJob): Promise<void> {
  try {
    const source = await findSource(services, job.sourceId);
    const started = await startRun(services, source, job.mode, systemActor('scheduler'));
    await started.done;
  } catch (error) {
    if (error instanceof AppError && error.code === 'sync_already_running') {
      services.logger.info({ sourceId: job.sourceId, mode: job.mode }, 'sync skipped: running');
      return;
    }
    throw error;
  }
}

// pg-boss installs with `CREATE SCHEMA IF NOT EXISTS pgboss`, which PostgreSQL refuses without
// CREATE on the whole database even when the schema exists. The schema is made by a migration
// (the owner role), and the runtime role holds only CREATE inside it (server/db/roles.ts), so the
// statement is dropped from pg-boss's install script.
const CREATE_JOBS_SCHEMA = new RegExp(`CREATE SCHEMA IF NOT EXISTS ${JOBS_SCHEMA}\\b`, 'gi');
function withoutSchemaCreation(text: string): string {
  return text.replace(CREATE_JOBS_SCHEMA, 'SELECT 1');
}

/**
 * Starts pg-boss on the service's pool and schedules every enabled source's runs from its
 * schedule (incremental every 5 minutes and full nightly by default). pg-boss's cron makes one
 * job per slot however many processes run the scheduler, and the per-source lock keeps runs
 * of one source apart.
 */
export async function startSyncScheduler(services: Services): Promise<SyncScheduler> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => services.pool.query(withoutSchemaCreation(text), values) },
    schema: JOBS_SCHEMA,
  });
  boss.on('error', (error) => services.logger.error({ err: error }, 'pg-boss error'));
  await boss.start();
  // Scheduled status changes (issue 7): fired on time, and swept on the same pg-boss.
  const dueTimer = await startScheduledChangesJob(services, boss);
  // Invitation reminders and released holds (issue 14) too.
  await startInvitationSweepJob(services, boss, ensureQueue);
  // Expired role grants and lapsed elevation requests (issue 18): tidied, never relied on.
  await startElevationExpiryJob(services, boss, ensureQueue);
  // Access review reminders (issue 18): hourly pass, each reviewer at most once a day.
  await startReviewReminderJob(services, boss, ensureQueue);
  const working = new Set<string>();

  const refresh = async () => {
    const wanted = new Map<string, { cron: string; job: SyncJob }>();
    for (const source of await listSources(services)) {
      if (!source.settings.enabled) continue;
      for (const mode of ['full', 'incremental'] as const) {
        const cron = source.settings.schedule[mode];
        if (cron)
          wanted.set(queueName(source.id, mode), { cron, job: { sourceId: source.id, mode } });
      }
    }
    for (const schedule of await boss.getSchedules())
      if (schedule.name.startsWith(`${PREFIX}-`) && !wanted.has(schedule.name))
        await boss.unschedule(schedule.name);
    for (const [name, { cron, job }] of wanted) {
      await ensureQueue(services, boss, name);
      await boss.schedule(name, cron, job);
      if (working.has(name)) continue;
      working.add(name);
      await boss.work<SyncJob>(name, async (jobs) => {
        for (const item of jobs) await runJob(services, item.data);
      });
    }
  };
  await refresh();
  // Disabled AD accounts: a run within the watch's interval, not the schedule's (changeWatch.ts).
  const { watch: watchOptions } = services.config.directorySync;
  const watch = watchOptions.enabled ? startChangeWatch(services, watchOptions) : null;
  const timer = setInterval(() => {
    refresh().catch((error: unknown) =>
      services.logger.error({ err: error }, 'sync schedule refresh failed'),
    );
  }, 60_000);
  timer.unref();
  return {
    boss,
    refresh,
    stop: async () => {
      clearInterval(timer);
      await watch?.stop();
      await dueTimer.stop();
      await boss.stop({ graceful: true, wait: true, close: false });
    },
  };
}
