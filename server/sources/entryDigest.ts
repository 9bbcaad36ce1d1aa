import { hash } from 'node:crypto';
import { mappingParams } from './reconcile/groupMappings.ts';
import type { PlanContext, Queryable } from './reconcile/plan.ts';
import type { SyncSource } from './registry.ts';
import type { SourcePerson } from './types.ts';

/**
 * Unchanged entries by digest (issue 17; docs/decisions.md "Unchanged entries by digest"): a
 * directory entry whose digest equals the one its person recorded when the last plan created
 * them or found nothing to change is staged as an id only and not planned again. The digest
 * covers the entry as the reader returned it and everything else the plan's outcome for it
 * depends on besides the person (the source's settings and group mappings, precedence, the
 * company's time zone, the rules' version); the person's side is kept valid by the database,
 * which forgets a digest when the person changes (Migration20261214000000SyncEntryDigests).
 */

/**
 * The version of the rules a digest was made under: raise it with any change to what
 * normalizePerson() or the plan's entries statement make of an entry, so that digests made
 * before do not match any more (every entry is planned once again, then recorded anew).
 */
export const DIGEST_RULES_VERSION = 1;

/**
 * 128 bits of SHA-256 (32 hex digits): a changed entry matching a recorded digest is beyond
 * reach, by chance or on purpose.
 */
const DIGEST_BYTES = 16;
const DIGEST_HEX = DIGEST_BYTES * 2;

/**
 * What a run's digests are made with: everything but the entry that decides the plan of one,
 * itself digested (64 hex digits), so each entry's digest hashes a short prefix.
 */
export function digestFingerprint(source: SyncSource, context: PlanContext): string {
  const settings = JSON.stringify({
    rules: DIGEST_RULES_VERSION,
    source: source.id,
    kind: source.kind,
    userSource: source.userSource,
    linkBy: source.linkBy ?? null,
    reconnect: source.settings.reconnect ?? null,
    mappings: mappingParams(source),
    precedence: context.precedence,
    timeZone: context.timeZone,
  });
  return hash('sha256', settings, 'hex');
}

/**
 * Every attribute of an entry, in the order the digest takes them. The type lists each key of
 * SourcePerson, optional ones included: an attribute added there and not here fails to compile,
 * instead of going unseen by the digest (a change to it would then never be planned).
 */
const DIGESTED: { readonly [K in keyof Required<SourcePerson>]: true } = {
  externalId: true,
  locator: true,
  username: true,
  familyName: true,
  givenName: true,
  middleName: true,
  displayName: true,
  email: true,
  phone: true,
  title: true,
  department: true,
  employeeId: true,
  disabled: true,
  groups: true,
  hireDate: true,
  terminationDate: true,
  suspended: true,
  errors: true,
  errorNotes: true,
  fields: true,
};
const DIGESTED_KEYS = Object.keys(DIGESTED) as (keyof SourcePerson)[];

/** One value, unambiguously: a tag, and a length before anything of variable length. */
function serialized(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value)) {
    let out = `a${value.length}:`;
    for (const item of value) out += serialized(item);
    return out;
  }
  const json = JSON.stringify(value) ?? 'u';
  return `j${json.length}:${json}`;
}

/**
 * The digest of one entry under a run's fingerprint, as 32 hex digits (PostgreSQL's uuid input
 * reads them). A million entries are hashed on the read's own thread: a serialization of our
 * own (a third cheaper than JSON.stringify) and one-shot hashing to text (a Buffer per entry
 * cost twice as much, in allocation and collection) keep it near 2 µs an entry.
 */
export function entryDigest(fingerprint: string, person: SourcePerson): string {
  let text = fingerprint;
  for (const key of DIGESTED_KEYS) text += serialized(person[key]);
  return hash('sha256', text, 'hex').slice(0, DIGEST_HEX);
}

/**
 * A set of 16-byte digests in one open-addressing table of 32-bit words (four per digest, at
 * most half full): 32 bytes a person, no object per entry, so a million people's digests cost
 * 32 MiB and the read's memory stays flat. The all-zero digest is the empty slot and is never
 * reported present.
 */
export class DigestSet {
  private readonly words: Int32Array;
  private readonly mask: number;
  readonly size: number;

  /** From digests laid end to end (16 bytes each), as loadRecordedDigests() reads them. */
  constructor(packed: Buffer) {
    const count = Math.floor(packed.length / DIGEST_BYTES);
    let slots = 16;
    while (slots < count * 2) slots *= 2;
    this.words = new Int32Array(slots * 4);
    this.mask = slots - 1;
    let size = 0;
    for (let offset = 0; offset + DIGEST_BYTES <= packed.length; offset += DIGEST_BYTES) {
      const a = packed.readInt32BE(offset);
      const b = packed.readInt32BE(offset + 4);
      const c = packed.readInt32BE(offset + 8);
      const d = packed.readInt32BE(offset + 12);
      const found = this.find(a, b, c, d);
      if (found >= 0 || (a | b | c | d) === 0) continue;
      const base = (-found - 1) * 4;
      this.words[base] = a;
      this.words[base + 1] = b;
      this.words[base + 2] = c;
      this.words[base + 3] = d;
      size += 1;
    }
    this.size = size;
  }

  /** Whether a digest (32 hex digits, as entryDigest() makes them) is in the set. */
  has(digest: string): boolean {
    const word = (at: number) => Number.parseInt(digest.slice(at, at + 8), 16) | 0;
    return this.find(word(0), word(8), word(16), word(24)) >= 0;
  }

  /** The slot holding the digest, or -(free slot) - 1 where it would go. */
  private find(a: number, b: number, c: number, d: number): number {
    if ((a | b | c | d) === 0) return -1;
    // SHA-256 output is uniform: its first word is as good a hash as any.
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const base = slot * 4;
      const w = this.words;
      const p = w[base] ?? 0;
      const q = w[base + 1] ?? 0;
      const r = w[base + 2] ?? 0;
      const s = w[base + 3] ?? 0;
      if ((p | q | r | s) === 0) return -slot - 1;
      if (p === a && q === b && r === c && s === d) return slot;
    }
  }
}

/**
 * The digests recorded by the people of a directory source, in one value (16 bytes each, end to
 * end): a row per person would cost a JavaScript object each, hundreds of MiB at a million.
 */
export async function loadRecordedDigests(db: Queryable, sourceId: string): Promise<DigestSet> {
  const { rows } = await db.query<{ packed: Buffer | null }>(
    `select string_agg(uuid_send(sync_digest), ''::bytea) as packed from app_user
      where source_id = $1 and sync_digest is not null`,
    [sourceId],
  );
  return new DigestSet(rows[0]?.packed ?? Buffer.alloc(0));
}

/** What a read needs to recognize unchanged entries: the run's fingerprint and the recorded digests. */
export interface KnownDigests {
  fingerprint: string;
  recorded: DigestSet;
}
