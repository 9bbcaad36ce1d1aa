import type { Server } from 'node:http';
import type pg from 'pg';

/**
 * Serves a bare contender of the introspection benchmark (its floor, bench/identity/floor.ts) on a
 * free loopback port, announced on stdout as `listening <port>` for bench/identity.ts, and stops
 * it on SIGTERM: the server, then the pool, then the process.
 */
export function serveContender(server: Server, pool: pg.Pool): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`listening ${port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}
