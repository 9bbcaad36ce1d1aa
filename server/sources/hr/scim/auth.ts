import { timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { throttledRefusalAuditor } from '../../../audit/throttledRefusals.ts';
import type { BaseState } from '../../../http/types.ts';
import type { Services } from '../../../shared/services.ts';
import { ScimError } from './errors.ts';
import { prefixOf, scimTokenHash } from './tokens/format.ts';

/** The SCIM client of a request: the name of its token (config or database). */
export interface ScimClient {
  tokenName: string;
  tokenId: string | null;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;
const LAST_USED_EVERY = "interval '1 minute'";

/**
 * Finds the client of a presented token: database tokens by their prefix, config tokens by
 * hash. Every comparison is constant-time, and all config tokens are compared each time.
 */
export async function findScimClient(
  services: Services,
  presented: string,
): Promise<ScimClient | null> {
  const hash = scimTokenHash(presented);
  let found: ScimClient | null = null;
  for (const entry of services.config.hr.scim.tokens) {
    const stored = Buffer.from(entry.sha256, 'hex');
    if (timingSafeEqual(hash, stored) && found === null)
      found = { tokenName: entry.name, tokenId: null };
  }
  if (found) return found;
  const prefix = prefixOf(presented);
  if (!prefix) return null;
  const { rows } = await services.pool.query<{ id: string; name: string; token_hash: Buffer }>(
    'select id, name, token_hash from scim_token where prefix = $1 and revoked_at is null',
    [prefix],
  );
  const row = rows[0];
  if (!row || row.token_hash.length !== hash.length || !timingSafeEqual(hash, row.token_hash))
    return null;
  // At most one write a minute per token, however busy the client.
  await services.pool.query(
    `update scim_token set last_used_at = now() where id = $1
      and (last_used_at is null or last_used_at < now() - ${LAST_USED_EVERY})`,
    [row.id],
  );
  return { tokenName: row.name, tokenId: row.id };
}

/** Requires a valid SCIM bearer token; 401 (with WWW-Authenticate) otherwise. */
export function requireScimToken(
  services: Services,
): (ctx: Koa.ParameterizedContext<BaseState>) => Promise<ScimClient> {
  const denials = throttledRefusalAuditor<'missing' | 'malformed' | 'unknown'>(
    services,
    'scim.request_denied',
    'scim-client',
  );
  return async (ctx) => {
    const header = ctx.get('authorization');
    const presented = BEARER.exec(header)?.[1] ?? null;
    const client = presented === null ? null : await findScimClient(services, presented);
    if (client) return client;
    await denials.record(
      ctx.state.meta,
      header === '' ? 'missing' : presented === null ? 'malformed' : 'unknown',
    );
    ctx.set('WWW-Authenticate', 'Bearer realm="scim"');
    throw new ScimError(401, null, 'A valid SCIM bearer token is required');
  };
}
