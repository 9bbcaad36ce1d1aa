import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Another process can take a port the harness was given before ejabberd listens on it (a CI run
// failed so, when the ports came from port 0). Its first start then tries new ports.

const taken: { server: Server; port: number }[] = [];

/** A port this process listens on, handed to the harness as if free. */
async function takenPort(): Promise<number> {
  // Connections (the harness asking for ejabberd's status) are dropped: none lingers.
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  taken.push({ server, port });
  return port;
}

// The first two ports asked for (the first start's c2s and http) are taken; the rest are free.
let handedOut = 0;
vi.mock('../../server/shared/freePort.ts', async (original) => {
  const actual = await original<typeof import('../../server/shared/freePort.ts')>();
  return {
    ...actual,
    freePort: async () => (handedOut++ < 2 ? takenPort() : actual.freePort()),
  };
});

const { ejabberdAvailable, startEjabberd } = await import('../support/ejabberd.ts');

afterAll(async () => {
  await Promise.all(
    taken.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

describe.runIf(ejabberdAvailable)('the ejabberd harness', () => {
  it('starts on new ports when the ones it was given are taken', async () => {
    const ejabberd = await startEjabberd();
    try {
      expect(taken).toHaveLength(2);
      const ports = [ejabberd.c2sPort, Number(new URL(ejabberd.apiUrl).port)];
      for (const { port } of taken) expect(ports).not.toContain(port);
      const { status, body } = await ejabberd.command('status');
      expect(status).toBe(200);
      expect(String(body)).toContain('started');
    } finally {
      await ejabberd.close();
    }
  });
});
