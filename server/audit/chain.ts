import { createHash, createHmac } from 'node:crypto';

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
 * The keyless link, used from `audit_chain_formula.keyless_from` on (every event of a new
 * install): hash(n) = SHA-256(hash(n-1) || canonical JSON of event n, its seq included), exactly
 * what the commit-time trigger computes. Anyone can recompute it; what an edit cannot survive is
 * the Ed25519-signed checkpoint kept outside the database (checkpoints.ts).
 */
export function keylessHash(previous: Buffer, content: ChainedContent): Buffer {
  return createHash('sha256').update(previous).update(contentJson(content), 'utf8').digest();
}

/**
 * The legacy link of events written before the keyless switch:
 * hash(n) = HMAC-SHA256(key, hash(n-1) || canonical JSON of event n). Only verification uses it.
 */
export function legacyHmacHash(key: Buffer, previous: Buffer, content: ChainedContent): Buffer {
  return createHmac('sha256', key).update(previous).update(contentJson(content), 'utf8').digest();
}

/** Which formula links an event: HMAC before `keylessFrom`, SHA-256 from it on. */
export interface ChainFormula {
  keylessFrom: bigint;
  /** The HMAC key of the legacy segment; null when it is not at hand (offline verification). */
  legacyKey: Buffer | null;
}

/**
 * The hash of the event with this content after `previous`, by the formula of its seq; null when
 * it is a legacy (HMAC) event and no legacy key is at hand.
 */
export function chainHash(
  formula: ChainFormula,
  previous: Buffer,
  content: ChainedContent,
): Buffer | null {
  if (BigInt(content.seq) >= formula.keylessFrom) return keylessHash(previous, content);
  return formula.legacyKey ? legacyHmacHash(formula.legacyKey, previous, content) : null;
}

// The fields a hash covers, in canonical (code-unit) order; the record makes the list complete.
const CONTENT_FIELDS: Record<keyof ChainedContent, true> = {
  seq: true,
  at: true,
  actorId: true,
  actorLabel: true,
  actorRole: true,
  ip: true,
  userAgent: true,
  requestId: true,
  action: true,
  targetType: true,
  targetId: true,
  targetLabel: true,
  outcome: true,
  reason: true,
  diff: true,
  details: true,
};
const SORTED_FIELDS = (Object.keys(CONTENT_FIELDS) as (keyof ChainedContent)[])
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  .map((field) => [field, JSON.stringify(field)] as const);

/**
 * canonicalJson() of an event's content, byte for byte, without sorting keys per event: the
 * fields are fixed, so their order is computed once, and only `diff` and `details` need the
 * general walk. Verification spends most of its time here (docs/benchmarks.md). Only the
 * ChainedContent fields are serialized, on the writer's side and the verifier's alike.
 */
export function contentJson(content: ChainedContent): string {
  let out = '';
  for (const [field, quoted] of SORTED_FIELDS) {
    const value = content[field];
    if (value === undefined) continue;
    const text =
      typeof value === 'string'
        ? JSON.stringify(value)
        : value === null
          ? 'null'
          : canonicalJson(value);
    out += `${out ? ',' : '{'}${quoted}:${text}`;
  }
  return out ? `${out}}` : '{}';
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
