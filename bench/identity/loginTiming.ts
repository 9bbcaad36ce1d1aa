import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createApp } from '../../server/app.ts';
import { hashPassword } from '../../server/identity/passwords.ts';
import type { Services } from '../../server/shared/services.ts';
import { createPerson } from '../../test/support/factories.ts';
import { type Latency, latency } from '../support/stats.ts';

const PASSWORD = 'bench timing passphrase';
const DEVICE = { name: 'Bench phone', platform: 'android' };
const WARM_UP = 10;

/** How long a refused messenger login takes for an unknown username and for a wrong password. */
export interface LoginTimingResult {
  unknownUser: Latency;
  wrongPassword: Latency;
  /** p50 of the unknown username over p50 of the wrong password (1: indistinguishable). */
  ratio: number;
}

/**
 * The timing side of "does a refused login reveal who exists" (it used to be a test, which
 * cannot time anything reliably on a shared machine; the test now checks that both refusals do
 * the same argon2id work). Sequential `POST /api/v1/auth/login` over loopback to an in-process
 * app, alternating an unknown username and a wrong password for a person who exists; each
 * attempt uses a username of its own (people created for it), so neither the per-account rate
 * limit nor the lockout ever answers instead of the password check; the per-IP limit is raised
 * for the run. Timed from just before `fetch` to the end of the body.
 */
export async function measureLoginTiming(
  services: Services,
  trials: number,
): Promise<LoginTimingResult> {
  const unlimited: Services = {
    ...services,
    config: {
      ...services.config,
      rateLimit: {
        ...services.config.rateLimit,
        loginFailuresPerIp: 1_000_000,
        loginFailuresPerAccount: 1_000_000,
      },
    },
  };
  const { app } = createApp(unlimited);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const passwordHash = await hashPassword(PASSWORD);
    const run = `${Date.now().toString(36)}`;
    const people: string[] = [];
    for (let i = 0; i < trials + WARM_UP; i += 1)
      people.push(
        (await createPerson(services, { username: `timing.${run}.${i}`, passwordHash }))
          .username as string,
      );
    const attempt = async (username: string) => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'not the password at all', device: DEVICE }),
      });
      await response.arrayBuffer();
      const ms = performance.now() - started;
      if (response.status !== 401) throw new Error(`login of ${username}: ${response.status}`);
      return ms;
    };
    for (let i = 0; i < WARM_UP; i += 1) {
      await attempt(`nobody.${run}.warm${i}`);
      await attempt(people[trials + i] as string);
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < trials; i += 1) {
      unknown.push(await attempt(`nobody.${run}.${i}`));
      wrong.push(await attempt(people[i] as string));
    }
    const unknownUser = latency(unknown);
    const wrongPassword = latency(wrong);
    return { unknownUser, wrongPassword, ratio: unknownUser.p50 / wrongPassword.p50 };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
