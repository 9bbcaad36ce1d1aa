import { createHmac } from 'node:crypto';

/** The hash before the first event. */
export const GENESIS_HASH = Buffer.alloc(32);

/** The fields of an audit event that its hash covers, in their stored form. */
export interface ChainedContent {
  seq: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  actorRole: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  details: unknown;
}

/**
 * hash(n) = HMAC-SHA256(key, hash(n-1) || canonical JSON of event n). The key comes from the
 * environment, so someone with only database access cannot re-forge the chain after an edit.
 */
export function chainHash(key: Buffer, previous: Buffer, content: ChainedContent): Buffer {
  return createHmac('sha256', key).update(previous).update(canonicalJson(content), 'utf8').digest();
}

/**
 * JSON with object keys sorted (RFC 8785 style), so that a value read back from jsonb, whose key
 * order differs, serializes to the same bytes it was hashed from.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
