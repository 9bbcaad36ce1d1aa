import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports below the ephemeral range are chosen from here up.
const LOWEST_PORT = 10_000;
// Fewer candidate ports than this below the ephemeral range: port 0 is used instead.
const MIN_CANDIDATES = 1_000;
// Candidates tried before falling back to port 0 (each one taken only by a listener).
const TRIES = 64;
const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** The first port of the kernel's ephemeral range (Linux), or null where it cannot be read. */
function ephemeralLow(): number | null {
  try {
    const low = Number.parseInt(readFileSync(RANGE_FILE, 'utf8').trim().split(/\s+/)[0] ?? '', 10);
    return Number.isFinite(low) ? low : null;
  } catch {
    return null;
  }
}

/** Listens on `port` (0: any) and closes again: the port bound, or null if it was taken. */
function probe(port: number, host: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(null);
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port free a moment ago on `host`, for a process started next to listen on (the embedded
 * PostgreSQL, and the test harnesses' servers). Chosen below the kernel's ephemeral range when
 * there is room: a port from listen(0) is ephemeral, and any process's outgoing connection can
 * take it before the program it was meant for listens (an ejabberd start failed so in CI). Below
 * that range only another listener can take it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const low = ephemeralLow();
  if (low !== null && low - LOWEST_PORT >= MIN_CANDIDATES)
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      const port = await probe(LOWEST_PORT + randomInt(low - LOWEST_PORT), host);
      if (port !== null) return port;
    }
  const port = await probe(0, host);
  if (port === null) throw new Error(`no free TCP port on ${host}`);
  return port;
}
