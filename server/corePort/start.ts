import { Worker } from 'node:worker_threads';
import { keyRejectionAuditor } from '../core/keyRejections.ts';
import type { Services } from '../shared/services.ts';
import { workerModuleUrl } from '../shared/workerModule.ts';
import type { CorePortData, CorePortMessage, CorePortStop } from './protocol.ts';

/** The core's own port, running. */
export interface CorePort {
  /** The port it listens on (the configured one, or the one the system chose for 0). */
  port: number;
  /** The thread serving now, or null while a dead one's successor starts (supervision, tests). */
  thread(): Worker | null;
  /** Stops serving: requests in flight finish, the thread's pool closes, the thread ends. */
  stop(): Promise<void>;
}

// Bundled into one plain module before the first thread starts (shared/workerModule.ts).
const THREAD_ENTRY = new URL('./thread.ts', import.meta.url);
/** A stop waits this long for requests in flight, then ends the thread. */
const STOP_GRACE_MS = 5_000;
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** A thread that lived this long died of something new: its successor starts after 1 s again. */
const HEALTHY_AFTER_MS = 60_000;

/** Starts one thread and resolves with its port once it listens; rejects if it cannot. */
async function startThread(
  data: CorePortData,
  onKeyRefused: (message: Extract<CorePortMessage, { type: 'keyRefused' }>) => void,
): Promise<{ worker: Worker; port: number }> {
  const url = await workerModuleUrl(THREAD_ENTRY);
  // No execArgv: a preload of the parent's (`--import`) must not run again in the thread.
  const worker = new Worker(url, { workerData: data, execArgv: [] });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: CorePortMessage) => {
      if (message.type === 'listening') resolve({ worker, port: message.port });
      else if (message.type === 'failed') reject(new Error(message.message));
      else onKeyRefused(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the thread ended (exit code ${code})`)));
  });
}

/**
 * Starts the messaging core's own port (`core.listen.port`, docs/identity.md) on a worker
 * thread, or returns null when none is configured. Refused core keys come back to this thread,
 * which audits them as the main port does (one `core.key_rejected` per client IP a minute on
 * this port; the main port counts its own). A thread that dies is started again after 1 s; one
 * that dies again within a minute of its start waits twice as long, up to 30 s. Each death is
 * logged. Rejects when the first start cannot listen (a port in use), so the service does not
 * start half configured.
 */
export async function startCorePort(
  services: Services,
  databaseUrl: string,
): Promise<CorePort | null> {
  const { config, logger } = services;
  if (config.core.listen.port === null) return null;
  const rejections = keyRejectionAuditor(services);
  const data: CorePortData = { config, databaseUrl };
  const onKeyRefused = (message: Extract<CorePortMessage, { type: 'keyRefused' }>) =>
    void rejections.record(message.meta, message.reason);
  const host = config.core.listen.host ?? config.http.host;
  let stopping = false;
  // Until the next start: 0 until a thread has died, then doubling while threads die young.
  let delay = 0;
  let retry: NodeJS.Timeout | null = null;

  const first = await startThread(data, onKeyRefused).catch((error: unknown) => {
    throw new Error(
      `the messaging core's port ${host}:${config.core.listen.port} could not start: ${(error as Error).message}`,
    );
  });
  // The thread serving now; null between a thread's death and its successor's start.
  let current: Worker | null = null;
  const restart = () => {
    retry = setTimeout(() => {
      retry = null;
      startThread(data, onKeyRefused).then(
        (started) => {
          if (stopping) {
            started.worker.postMessage({ type: 'stop' } satisfies CorePortStop);
            return;
          }
          logger.info({ port: started.port }, "the messaging core's port is back");
          watch(started.worker);
        },
        (error: unknown) => {
          delay = Math.min(delay * 2, RESTART_MAX_MS);
          logger.error(
            { err: error, retryInMs: delay },
            "the messaging core's port could not restart",
          );
          if (!stopping) restart();
        },
      );
    }, delay);
  };
  const watch = (worker: Worker) => {
    current = worker;
    const startedAt = Date.now();
    worker.on('error', (error) => logger.error({ err: error }, "the messaging core's port failed"));
    worker.once('exit', (code) => {
      current = null;
      if (stopping) return;
      delay =
        delay === 0 || Date.now() - startedAt >= HEALTHY_AFTER_MS
          ? RESTART_FIRST_MS
          : Math.min(delay * 2, RESTART_MAX_MS);
      logger.error({ code, retryInMs: delay }, "the messaging core's port stopped; restarting it");
      restart();
    });
  };
  watch(first.worker);
  logger.info({ host, port: first.port }, "the messaging core's port is listening");

  return {
    port: first.port,
    thread: () => current,
    async stop() {
      stopping = true;
      if (retry) clearTimeout(retry);
      const worker = current;
      if (!worker) return;
      const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'stop' } satisfies CorePortStop);
      const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      await ended;
      clearTimeout(grace);
    },
  };
}
