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

// An array index as V8 orders it: such keys come first in numeric order whatever the insertion
// order, so an object with one cannot be serialized canonically by JSON.stringify.
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** Marks a value that JSON.stringify cannot serialize canonically. */
class NotPlain extends Error {}

/**
 * A copy of a JSON value with every object's keys inserted in canonical order, so that
 * JSON.stringify (native, several times faster than a walk in JavaScript) prints canonicalJson().
 * Throws NotPlain for anything else: non-plain objects, array-index keys.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlain();
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    // `__proto__` would set the copy's prototype instead of a key.
    if (ARRAY_INDEX.test(key) || key === '__proto__') throw new NotPlain();
    copy[key] = sortedCopy((value as Record<string, unknown>)[key]);
  }
  return copy;
}

/**
 * canonicalJson() of an event's content, byte for byte (property-tested), at native speed: the
 * fields are fixed, so they are inserted in canonical order once per event and JSON.stringify
 * does the rest; only `diff` and `details` need their keys sorted. Verification spends most of
 * its time here (docs/benchmarks.md). Only the ChainedContent fields are serialized, on the
 * writer's side and the verifier's alike.
 */
export function contentJson(content: ChainedContent): string {
  try {
    return JSON.stringify({
      action: content.action,
      actorId: content.actorId,
      actorLabel: content.actorLabel,
      actorRole: content.actorRole,
      at: content.at,
      details: sortedCopy(content.details),
      diff: sortedCopy(content.diff),
      ip: content.ip,
      outcome: content.outcome,
      reason: content.reason,
      requestId: content.requestId,
      seq: content.seq,
      targetId: content.targetId,
      targetLabel: content.targetLabel,
      targetType: content.targetType,
      userAgent: content.userAgent,
    } satisfies Record<keyof ChainedContent, unknown>);
  } catch (error) {
    if (!(error instanceof NotPlain)) throw error;
    const { seq, at, actorId, actorLabel, actorRole, ip, userAgent, requestId } = content;
    const { action, targetType, targetId, targetLabel, outcome, reason, diff, details } = content;
    return canonicalJson({
      ...{ seq, at, actorId, actorLabel, actorRole, ip, userAgent, requestId },
      ...{ action, targetType, targetId, targetLabel, outcome, reason, diff, details },
    });
  }
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
