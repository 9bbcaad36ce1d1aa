import { hash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import type { Config } from '../config.ts';
import type { BaseState } from '../http/types.ts';
import { unauthenticated } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { keyRejectionAuditor, type RejectionReason } from './keyRejections.ts';

/** The messaging core calling with one of its API keys. */
export interface CoreAuthenticated {
  /** The configured name of the key used (keys rotate; several may be live). */
  keyName: string;
}

/** Request state once `requireCoreKey` ran. */
export type CoreKeyState = BaseState & { core?: CoreAuthenticated };

interface StoredKey {
  name: string;
  hash: Buffer;
}

/** The SHA-256 of a presented key, the form keys are configured in. */
export function coreKeyHash(key: string): Buffer {
  // One-shot: the key is checked on every introspection, the core's hottest call.
  return hash('sha256', key, 'buffer');
}

function storedKeys(config: Config): StoredKey[] {
  return config.core.apiKeys.map((key) => ({
    name: key.name,
    hash: Buffer.from(key.sha256, 'hex'),
  }));
}

/**
 * The name of the configured key whose hash equals the presented key's, or null. Every key is
 * compared in constant time and the loop never exits early, so the timing tells nothing about
 * which key (or how much of one) matched.
 */
export function matchCoreKey(keys: readonly StoredKey[], presented: string): string | null {
  const hash = coreKeyHash(presented);
  let found: string | null = null;
  for (const key of keys) {
    if (timingSafeEqual(hash, key.hash) && found === null) found = key.name;
  }
  return found;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** What an `Authorization` header says about the caller: the key's name, or why it is refused. */
export type CoreKeyCheck = { name: string } | { refused: RejectionReason };

/** A checker of `Authorization: Bearer <key>` headers against the configured core keys. */
export function coreKeyChecker(config: Config): (header: string) => CoreKeyCheck {
  const keys = storedKeys(config);
  return (header) => {
    const presented = BEARER.exec(header)?.[1] ?? null;
    const name = presented === null ? null : matchCoreKey(keys, presented);
    if (name !== null) return { name };
    return { refused: header === '' ? 'missing' : presented === null ? 'malformed' : 'unknown' };
  };
}

/**
 * Requires `Authorization: Bearer <key>` with one of the messaging core's API keys (configured as
 * SHA-256 hashes; several may be live during a rotation); sets `ctx.state.core`. Failures are
 * 401 `core_key_invalid` and audited as `core.key_rejected`, at most once a minute per client
 * IP per process, so a flood of bad keys cannot flood the audit chain. Keys are never logged.
 */
export function requireCoreKey(services: Services): Koa.Middleware<CoreKeyState> {
  const check = coreKeyChecker(services.config);
  const rejections = keyRejectionAuditor(services);
  return async (ctx, next) => {
    const result = check(ctx.get('authorization'));
    if ('refused' in result) {
      await rejections.record(ctx.state.meta, result.refused);
      throw unauthenticated('A valid core API key is required', 'core_key_invalid');
    }
    ctx.state.core = { keyName: result.name };
    await next();
  };
}
