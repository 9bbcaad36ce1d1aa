import type pg from 'pg';
import {
  createBackofficeSession,
  csrfTokenFor,
  SESSION_COOKIE,
} from '../../server/identity/backofficeSession.ts';
import type { Services } from '../../server/shared/services.ts';
import { hashToken, newToken } from '../../server/shared/tokens.ts';
import { signInSuperadmin } from '../support/session.ts';
import { type Latency, latency } from '../support/stats.ts';

/** What the cross-process revocation trials found. */
export interface RevocationResult {
  trials: number;
  /** Introspections on process 2 that still said `active: true` after the revoke returned. */
  stale: number;
  /** Sessions that process 2 did not see as live before the revoke (setup errors). */
  notLiveBefore: number;
  revoke: Latency;
  introspectAfter: Latency;
}

async function newSession(pool: pg.Pool, userId: string): Promise<{ id: string; token: string }> {
  const token = newToken();
  const { rows } = await pool.query<{ id: string }>(
    `insert into device_session (id, user_id, token_hash, device_name, platform, expires_at)
     values (gen_random_uuid(), $1, $2, 'Revocation trial', 'ios', now() + interval '1 day')
     returning id`,
    [userId, hashToken(token)],
  );
  return { id: rows[0]?.id ?? '', token };
}

/**
 * Each trial: a new live session; process 2 introspects it (must be live); a superadmin revokes
 * it through process 1's admin API; as soon as that call has returned, process 2 introspects it
 * again. Any `active: true` then is a stale answer.
 */
export async function measureRevocation(
  services: Services,
  first: string,
  second: string,
  coreKey: string,
  trials: number,
): Promise<RevocationResult> {
  const { user: admin } = await signInSuperadmin(services, first);
  const em = services.orm.em.fork();
  const { token, session } = createBackofficeSession(em, services, admin.id, {
    ip: '127.0.0.1',
    userAgent: 'bench',
    requestId: null,
  });
  await em.flush();
  const adminHeaders = {
    cookie: `${SESSION_COOKIE}=${token}`,
    'x-csrf-token': csrfTokenFor(services, session.id),
  };
  const { rows } = await services.pool.query<{ id: string }>(
    "select id from app_user where username = 'bench.device.1'",
  );
  const personId = rows[0]?.id ?? '';
  const introspect = async (value: string) => {
    const started = performance.now();
    const response = await fetch(`${second}/api/v1/core/introspect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${coreKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: value }),
    });
    const body = (await response.json()) as { active?: boolean };
    if (response.status !== 200) throw new Error(`introspect answered ${response.status}`);
    return { active: body.active === true, ms: performance.now() - started };
  };
  let stale = 0;
  let notLiveBefore = 0;
  const revokeMs: number[] = [];
  const afterMs: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const device = await newSession(services.pool, personId);
    if (!(await introspect(device.token)).active) notLiveBefore += 1;
    const started = performance.now();
    const response = await fetch(`${first}/api/v1/users/${personId}/sessions/${device.id}/revoke`, {
      method: 'POST',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Benchmark: a lost phone' }),
    });
    await response.arrayBuffer();
    if (response.status !== 204) throw new Error(`revoke answered ${response.status}`);
    revokeMs.push(performance.now() - started);
    const after = await introspect(device.token);
    afterMs.push(after.ms);
    if (after.active) stale += 1;
  }
  return {
    trials,
    stale,
    notLiveBefore,
    revoke: latency(revokeMs),
    introspectAfter: latency(afterMs),
  };
}
