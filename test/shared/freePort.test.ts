import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';

// The range the kernel takes ports for outgoing connections (and listen(0)) from.
const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const [ephemeralLow = 0] = readFileSync(RANGE_FILE, 'utf8').trim().split(/\s+/).map(Number);

/** Listens on `port` and closes again: whether it was free. */
function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('freePort', () => {
  it('hands out ports below the ephemeral range, which outgoing connections never take', async () => {
    const { freePort } = await import('../../server/shared/freePort.ts');
    const ports: number[] = [];
    for (let n = 0; n < 200; n += 1) ports.push(await freePort());
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralLow);
    }
    // Chosen at random, so two processes asking at once do not get the same one.
    expect(new Set(ports).size).toBeGreaterThan(150);
    expect(await listens(ports[0] ?? 0)).toBe(true);
  });

  it('falls back to port 0 when the ephemeral range leaves no room below it', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (original) => {
      const actual = await original<typeof import('node:fs')>();
      return {
        ...actual,
        readFileSync: (path: string, encoding: BufferEncoding) =>
          path === RANGE_FILE ? '1024\t65535\n' : actual.readFileSync(path, encoding),
      };
    });
    try {
      const { freePort } = await import('../../server/shared/freePort.ts');
      const port = await freePort();
      // listen(0) answers from the real range.
      expect(port).toBeGreaterThanOrEqual(ephemeralLow);
      expect(await listens(port)).toBe(true);
    } finally {
      vi.doUnmock('node:fs');
      vi.resetModules();
    }
  });
});
