import { randomUUID } from 'node:crypto';
import { coreKeyHash } from '../../server/core/apiKeys.ts';
import type { Services } from '../../server/shared/services.ts';
import { hashToken, newToken } from '../../server/shared/tokens.ts';

/** A device session created for a test, with its token (which only the client ever holds). */
export interface TestDeviceSession {
  id: string;
  token: string;
}

/**
 * Inserts a device session as the messenger login would leave it (test setup until that API is
 * used instead): only the token's SHA-256 is stored.
 */
export async function createDeviceSession(
  services: Services,
  userId: string,
  options: {
    deviceName?: string;
    platform?: string;
    expiresAt?: Date;
    lastSeenAt?: Date;
    revokedAt?: Date | null;
  } = {},
): Promise<TestDeviceSession> {
  const id = randomUUID();
  const token = newToken();
  const now = services.now();
  await services.pool.query(
    `insert into device_session
       (id, user_id, token_hash, device_name, platform, ip, user_agent, created_at, last_seen_at,
        expires_at, revoked_at)
     values ($1, $2, $3, $4, $5, '10.0.0.7', 'FrisbeeMessenger/1.0', $6, $7, $8, $9)`,
    [
      id,
      userId,
      hashToken(token),
      options.deviceName ?? 'Pixel 9',
      options.platform ?? 'android',
      now,
      options.lastSeenAt ?? now,
      options.expiresAt ?? new Date(now.getTime() + 30 * 86_400_000),
      options.revokedAt ?? null,
    ],
  );
  return { id, token };
}

/** A core API key and its configuration entry. */
export function coreKey(name: string): { name: string; key: string; sha256: string } {
  const key = `fbcore_${newToken()}`;
  return { name, key, sha256: coreKeyHash(key).toString('hex') };
}
