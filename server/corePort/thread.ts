import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createCoreListener } from '../coreApp.ts';
import { openRawPool } from '../db/rawPool.ts';
import { securityHeaderOptions } from '../http/securityHeaders.ts';
import { createLogger } from '../logger.ts';
import type { CorePortData, CorePortMessage, CorePortStop } from './protocol.ts';

// The messaging core's own port, on a thread of its own (start.ts): a bare HTTP server, its
// own pool of four connections and nothing else of the service, so introspection does not pay
// for the main thread's ORM, queues and async context tracking (docs/identity.md).
const port = parentPort;
if (!port) throw new Error('server/corePort/thread.ts runs as a worker thread (start.ts)');
const { config, databaseUrl } = workerData as CorePortData;
const tell = (message: CorePortMessage) => port.postMessage(message);
const logger = createLogger(config.log.level).child({ thread: 'core-port' });
const pool = openRawPool(databaseUrl, logger);
const { listener, prepareServer } = createCoreListener(
  { config, pool, logger, now: () => new Date() },
  securityHeaderOptions(config),
  { onKeyRefused: (meta, reason) => tell({ type: 'keyRefused', meta, reason }) },
);
const server = createServer(listener);
prepareServer(server);
server.once('error', (error) => {
  tell({ type: 'failed', message: error.message });
  void pool.end().finally(() => port.close());
});
server.listen(config.core.listen.port ?? 0, config.core.listen.host ?? config.http.host, () => {
  tell({ type: 'listening', port: (server.address() as AddressInfo).port });
});
port.on('message', (message: CorePortStop) => {
  if (message.type !== 'stop') return;
  server.close();
  server.closeIdleConnections();
  server.once('close', () => {
    void pool.end().finally(() => port.close());
  });
});
