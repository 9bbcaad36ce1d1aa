import { createHash, createHmac, hash } from 'node:crypto';

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
  return Buffer.from(keylessHashHex(previous.toString('hex'), content), 'hex');
}

/** A chain hash as verification carries it: 64 lowercase hex digits, as encode(hash, 'hex'). */
export type HashHex = string;

/** Events whose text is longer than this are hashed incrementally, not through `input`. */
const ONE_SHOT_MAX = 1 << 20;

/** Where SHA-256's input is laid out for a one-shot hash; grows up to ONE_SHOT_MAX. */
let input = Buffer.allocUnsafe(16 * 1024);

/**
 * keylessHash() with the hashes as hex text, as verification reads them: one native call on a
 * reused buffer, and a string out rather than a Buffer. A Hash object, its three calls and a
 * Buffer for each event cost more than the SHA-256 itself (docs/benchmarks.md, session 26).
 */
export function keylessHashHex(previous: HashHex, content: ChainedContent): HashHex {
  const text = contentJson(content);
  // An upper bound: two hex digits make a byte; a UTF-16 code unit is at most three of UTF-8.
  const most = previous.length + text.length * 3;
  if (most > ONE_SHOT_MAX)
    return createHash('sha256').update(previous, 'hex').update(text, 'utf8').digest('hex');
  if (most > input.length) input = Buffer.allocUnsafe(most);
  const at = input.write(previous, 0, 'hex');
  const end = at + input.write(text, at, 'utf8');
  return hash('sha256', input.subarray(0, end), 'hex');
}

/**
 * The legacy link of events written before the keyless switch:
 * hash(n) = HMAC-SHA256(key, hash(n-1) || canonical JSON of event n). Only verification uses it.
 */
export function legacyHmacHash(key: Buffer, previous: Buffer, content: ChainedContent): Buffer {
  return Buffer.from(legacyHmacHashHex(key, previous.toString('hex'), content), 'hex');
}

/** legacyHmacHash() with the hashes as hex text. */
function legacyHmacHashHex(key: Buffer, previous: HashHex, content: ChainedContent): HashHex {
  return createHmac('sha256', key)
    .update(previous, 'hex')
    .update(contentJson(content), 'utf8')
    .digest('hex');
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
  previous: HashHex,
  content: ChainedContent,
): HashHex | null {
  if (BigInt(content.seq) >= formula.keylessFrom) return keylessHashHex(previous, content);
  return formula.legacyKey ? legacyHmacHashHex(formula.legacyKey, previous, content) : null;
}

// An array index as V8 orders it: such keys come first in numeric order whatever the insertion
// order, so an object with one cannot be serialized canonically by JSON.stringify.
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** Marks a value that JSON.stringify cannot serialize canonically. */
class NotPlain extends Error {}

/**
 * A JSON value with every object's keys in canonical order, so that JSON.stringify (native,
 * several times faster than a walk in JavaScript) prints canonicalJson(): the value itself when
 * its keys already are (as jsonb mostly returns them), else a copy. Throws NotPlain for anything
 * else: non-plain objects, array-index keys.
 */
function sortedCopy(value: unknown): unknown {
  return inCanonicalOrder(value) ? value : copyInOrder(value);
}

/** Whether every object in the value has its keys in canonical order; throws NotPlain as above. */
function inCanonicalOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(inCanonicalOrder);
  if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlain();
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    plainKey(key);
    if (index > 0 && !((keys[index - 1] as string) < key)) return false;
    if (!inCanonicalOrder((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** A copy of a JSON value with every object's keys inserted in canonical order. */
function copyInOrder(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyInOrder);
  if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlain();
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    plainKey(key);
    copy[key] = copyInOrder((value as Record<string, unknown>)[key]);
  }
  return copy;
}

/** Throws NotPlain for a key JSON.stringify would misplace, or a copy would not hold as a key. */
function plainKey(key: string): void {
  // An array index is printed first whatever its place; `__proto__` would set a copy's prototype.
  if (ARRAY_INDEX.test(key) || key === '__proto__') throw new NotPlain();
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
