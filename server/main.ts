import { createServer, type Server } from 'node:http';
import { createApp } from './app.ts';
import { startCheckpoints } from './audit/checkpointWriter.ts';
import { startSealer } from './audit/seal.ts';
import { hasActiveSuperadmin, startServices } from './bootstrap.ts';
import { expireConfigChanges } from './commands/configChanges/expireConfigChanges.ts';
import { recordConfigFile } from './commands/configFile/recordConfigFile.ts';
import { ConfigError, loadConfig, publicBaseUrl } from './config.ts';
import { startCore } from './core/delivery/startCore.ts';
import { startCorePort } from './corePort/start.ts';
import { resumeBulkJobs, stopBulkJobs } from './identity/bulkJobs/runner.ts';
import { createLogger } from './logger.ts';
import { startMail } from './mail/worker.ts';
import { startSiem } from './siem/worker.ts';
import { startSms } from './sms/worker.ts';
import { recoverRuns } from './sources/runs.ts';
import { startSyncScheduler } from './sources/scheduler.ts';

/** How often a process looks for sync runs and imports a stopped process left half done. */
const RUN_RECOVERY_INTERVAL_MS = 5 * 60_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.log.level);
  const { services, database } = await startServices(config, logger);
  // A change of the file-only sensitive settings is audited once per boot (issue 18, scope 3).
  const fileChange = await recordConfigFile(services);
  if (fileChange && !fileChange.first)
    logger.warn(
      { changed: fileChange.paths },
      'the sensitive settings of the configuration file changed',
    );
  const core = await startCore(services);
  const mail = await startMail(services);
  const sms = await startSms(services);
  // The audit stream to the SIEM: reads committed events only, so no request ever waits for it.
  const siem = startSiem(services);
  // Seals audit events that concurrent commits left staged (docs/audit.md "Sealing").
  const sealer = startSealer(services.pool, config.audit.sealIntervalMs, logger);
  // Signed checkpoints of the audit chain, outside the database (docs/audit.md).
  const checkpoints = startCheckpoints(services);
  const syncScheduler = config.jobs.enabled ? await startSyncScheduler(services) : null;
  // Runs left live by a killed process: applies resume, reads and plans fail (sources/runs.ts).
  const recover = () =>
    void recoverRuns(services)
      .then((recovered) => {
        if (recovered.resumed.length + recovered.failed.length > 0)
          logger.warn(recovered, 'took over sync runs a stopped process left');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'recovering sync runs failed'));
  // Bulk jobs on people whose process stopped: on from their last committed chunk.
  const resumeJobs = () =>
    void resumeBulkJobs(services)
      .then((ids) => {
        if (ids.length > 0)
          logger.warn({ jobs: ids }, 'took over bulk jobs a stopped process left');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'resuming bulk jobs failed'));
  // Configuration changes nobody approved in time (dualControl.expiryHours) are closed, audited.
  const expireChanges = () =>
    void expireConfigChanges(services).catch((error: unknown) =>
      logger.error({ err: error }, 'expiring configuration changes failed'),
    );
  const recoverAll = () => {
    recover();
    resumeJobs();
    expireChanges();
  };
  recoverAll();
  const recovery = setInterval(recoverAll, RUN_RECOVERY_INTERVAL_MS);
  recovery.unref();
  // The messaging core's own port, on a thread of its own, when configured (core.listen). Before
  // the main port, so both listen by the time /readyz answers.
  const corePort = await startCorePort(services, database.url);
  const { listener, prepareServer } = createApp(services);
  const server: Server = createServer(listener).listen(config.http.port, config.http.host);
  prepareServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = publicBaseUrl(config);
  logger.info({ url, embeddedDatabase: database.embedded !== null }, `listening on ${url}`);
  if (!(await hasActiveSuperadmin(services))) {
    logger.warn(
      'No superadmin exists yet. Create the first one with:  npm run cli -- create-superadmin --username <name> --display-name "<Full Name>"  (the password is read from stdin)',
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.once('close', () => resolve()));
    await corePort?.stop();
    clearInterval(recovery);
    // The chunk in flight commits; the leases are given up so the next process goes on at once.
    await stopBulkJobs(services);
    await core.stop();
    await mail.stop();
    await sms.stop();
    await siem?.stop();
    await checkpoints?.stop();
    await sealer.stop();
    await syncScheduler?.stop();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
