import { hash } from 'node:crypto';
import pg from 'pg';
import { mappingParams } from './reconcile/groupMappings.ts';
import type { PlanContext } from './reconcile/plan.ts';
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

/**
 * The bytes an entry's digest hashes, written into one buffer reused by every entry: the
 * fingerprint, then each value, unambiguously (a tag, and a length before anything of variable
 * length), as UTF-8. The same bytes as the text `fingerprint + s5:value…` would encode to, so
 * digests recorded before stay valid, without the strings: building that text cost a million
 * entries some twenty short strings each, and the collections of V8's young generation they
 * caused copied the page the reader was decoding every time (docs/benchmarks.md, session 19).
 */
class DigestInput {
  private bytes = Buffer.allocUnsafe(4096);
  length = 0;

  /** Room for `more` bytes after the end. */
  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + more) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }

  /** One ASCII character. */
  char(code: number): void {
    this.reserve(1);
    this.bytes[this.length++] = code;
  }

  /** A non-negative integer in decimal digits, as String(n) writes it. */
  decimal(n: number): void {
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    this.reserve(digits);
    let at = this.length + digits;
    let rest = n;
    do {
      at -= 1;
      this.bytes[at] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    this.length += digits;
  }

  /** A string as UTF-8 (a lone surrogate as U+FFFD, as Node encodes any string). */
  text(value: string): void {
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    this.reserve(value.length * 3);
    this.length += this.bytes.write(value, this.length, 'utf8');
  }

  /** `tag` + length + `:` + the string (the length in UTF-16 code units). */
  counted(tag: number, value: string): void {
    this.char(tag);
    this.decimal(value.length);
    this.char(COLON);
    this.text(value);
  }

  /** One value of an entry. */
  value(value: unknown): void {
    if (value === undefined) this.char(LETTER_U);
    else if (value === null) this.char(LETTER_N);
    else if (typeof value === 'string') this.counted(LETTER_S, value);
    else if (typeof value === 'boolean') this.char(value ? LETTER_T : LETTER_F);
    else if (Array.isArray(value)) {
      this.char(LETTER_A);
      this.decimal(value.length);
      this.char(COLON);
      for (const item of value) this.value(item);
    } else {
      const json = JSON.stringify(value);
      if (json === undefined) this.char(LETTER_U);
      else this.counted(LETTER_J, json);
    }
  }

  /** The bytes written so far (a view: valid until the next entry). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** Starts the next entry; the room an oversized value took is given back. */
  clear(): void {
    this.length = 0;
    if (this.bytes.length > INPUT_KEPT_BYTES) this.bytes = Buffer.allocUnsafe(4096);
  }
}

// The input's room kept between entries; an entry with larger values gets a buffer of its own.
const INPUT_KEPT_BYTES = 64 * 1024;

const [COLON, LETTER_A, LETTER_F, LETTER_J, LETTER_N, LETTER_S, LETTER_T, LETTER_U] = [
  ...':afjnstu',
].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number, number, number];

const input = new DigestInput();

/**
 * The digest of one entry under a run's fingerprint, as 32 hex digits (PostgreSQL's uuid input
 * reads them). A million entries are hashed on the read's own thread, so the input is written
 * into one reused buffer (DigestInput) and hashed once, about 2 µs an entry.
 */
export function entryDigest(fingerprint: string, person: SourcePerson): string {
  input.clear();
  input.text(fingerprint);
  for (const key of DIGESTED_KEYS) input.value(person[key]);
  return hash('sha256', input.view(), 'hex').slice(0, DIGEST_HEX);
}

/**
 * Eight lower-case hex digits from `at` as a signed 32-bit word, read in place (a substring and
 * a parse per word cost a million entries four strings each). Only entryDigest()'s output is
 * looked up, so other characters are not checked for.
 */
function hexWord(digest: string, at: number): number {
  let word = 0;
  for (let i = at; i < at + 8; i += 1) {
    const code = digest.charCodeAt(i);
    word = (word << 4) | (code <= 57 ? code - 48 : code - 87);
  }
  return word | 0;
}

/**
 * A set of 16-byte digests in one open-addressing table of 32-bit words (four per digest, at
 * most half full): 32 bytes a person, no object per entry, so a million people's digests cost
 * 32 MiB and the read's memory stays flat. The all-zero digest is the empty slot and is never
 * reported present.
 */
export class DigestSet {
  private words = new Int32Array(0);
  private mask = -1;
  private held = 0;

  /**
   * From digests laid end to end (16 bytes each), in one value or several (read apart, and not
   * copied into one: a million digests are 16 MiB).
   */
  constructor(...packed: Buffer[]) {
    this.allocate(packed.reduce((sum, part) => sum + Math.floor(part.length / DIGEST_BYTES), 0));
    for (const part of packed) this.add(part);
  }

  /** An empty set with room for `count` digests (it grows past them, at a cost). */
  static withRoom(count: number): DigestSet {
    const set = new DigestSet();
    set.allocate(count);
    return set;
  }

  /** How many digests the set holds. */
  get size(): number {
    return this.held;
  }

  /** Adds digests laid end to end (16 bytes each); one already held, or all-zero, is skipped. */
  add(packed: Buffer): void {
    for (let offset = 0; offset + DIGEST_BYTES <= packed.length; offset += DIGEST_BYTES) {
      if ((this.held + 1) * 2 > this.mask + 1) this.allocate((this.mask + 1) * 2);
      this.put(
        packed.readInt32BE(offset),
        packed.readInt32BE(offset + 4),
        packed.readInt32BE(offset + 8),
        packed.readInt32BE(offset + 12),
      );
    }
  }

  private put(a: number, b: number, c: number, d: number): void {
    const found = this.find(a, b, c, d);
    if (found >= 0 || (a | b | c | d) === 0) return;
    const base = (-found - 1) * 4;
    this.words[base] = a;
    this.words[base + 1] = b;
    this.words[base + 2] = c;
    this.words[base + 3] = d;
    this.held += 1;
  }

  /** A table for `count` digests at most half full, holding what this one holds. */
  private allocate(count: number): void {
    let slots = 16;
    while (slots < count * 2) slots *= 2;
    const old = this.words;
    this.words = new Int32Array(slots * 4);
    this.mask = slots - 1;
    this.held = 0;
    for (let at = 0; at < old.length; at += 4)
      this.put(old[at] ?? 0, old[at + 1] ?? 0, old[at + 2] ?? 0, old[at + 3] ?? 0);
  }

  /** Whether a digest (32 lower-case hex digits, as entryDigest() makes them) is in the set. */
  has(digest: string): boolean {
    return (
      this.find(hexWord(digest, 0), hexWord(digest, 8), hexWord(digest, 16), hexWord(digest, 24)) >=
      0
    );
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

// Digests a row of a load sends: 1 MiB of bytea, 2 MiB of hex text. A million in one value
// came as one 32 MB message, decoded into a 32 MB string and a 16 MB Buffer before the table
// was built: 60–80 MiB at once at the start of every run (docs/benchmarks.md, session 29).
const DIGESTS_PER_ROW = 65_536;

/** A select of digests (one uuid column), packed 16 bytes each, DIGESTS_PER_ROW to a row. */
function inRows(select: string): string {
  return `
select string_agg(uuid_send(d), ''::bytea) as packed
  from (select d, (row_number() over ()) / ${DIGESTS_PER_ROW} as part from (${select}) s(d)) numbered
 group by part`;
}

// The digests the source's people recorded.
const RECORDED_SQL = inRows(
  `select sync_digest from app_user where source_id = $1 and sync_digest is not null`,
);

// The digests of entries that matched nobody and were not created
// (Migration20261215030000SyncUnmatchedEntries; a conflict's row has none) and still match
// nobody: no person has the entry's id in this source, its employee number, e-mail or login (the
// keys the plan matches and reconnects by, whatever the source's settings), and no admin's
// reconnection decision names it. Otherwise the entry is planned, and a person created since
// is linked as before.
const UNMATCHED_SQL = inRows(`
select e.digest from sync_unmatched_entry e
 where e.source_id = $1 and e.outcome = 'not_created'
   and not exists (select 1 from app_user u where u.source_id = $1 and u.external_id = e.external_id)
   and not exists (select 1 from app_user u where u.employee_number = e.employee_id)
   and not exists (select 1 from app_user u where lower(u.email) = e.email)
   and not exists (select 1 from app_user u where u.username = e.username)
   and not exists (select 1 from sync_reconnect_decision d
                    where d.source_id = $1 and d.external_id = e.external_id)`);

// At most how many digests the two statements return: the table is sized once.
const ROOM_SQL = `
select (select count(*) from app_user where source_id = $1 and sync_digest is not null)
     + (select count(*) from sync_unmatched_entry where source_id = $1) as room`;

/**
 * Runs a statement of packed digests on a connection of its own and hands each row's value to
 * `take` as it arrives: node-postgres keeps no rows of a Query that has a `row` listener and
 * no callback, so each is dropped once taken.
 */
async function eachPacked(
  pool: Pick<pg.Pool, 'connect'>,
  sql: string,
  sourceId: string,
  take: (packed: Buffer) => void,
): Promise<void> {
  const client = await pool.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const query = new pg.Query<{ packed: Buffer | null }>(sql, [sourceId]);
      query.on('row', (row: { packed: Buffer | null }) => {
        if (row.packed) take(row.packed);
      });
      query.on('error', reject);
      query.on('end', () => resolve());
      client.query(query);
    });
  } finally {
    client.release();
  }
}

/**
 * The digests a read of a directory source recognizes unchanged entries by, in one table (16
 * bytes each; a row per person would cost a JavaScript object each, hundreds of MiB at a
 * million): those its people recorded, and those of entries that matched nobody and still do
 * (UNMATCHED_SQL). The two statements run at once on two connections of `pool`, each sending
 * its digests a part at a time, after a count sizes the table (1.9 s in all at a million
 * people). A person created during the read is found by the next run, as one created just
 * after it would be.
 */
export async function loadRecordedDigests(
  pool: Pick<pg.Pool, 'connect' | 'query'>,
  sourceId: string,
): Promise<DigestSet> {
  const { rows } = await pool.query<{ room: string }>(ROOM_SQL, [sourceId]);
  const set = DigestSet.withRoom(Number(rows[0]?.room ?? 0));
  const take = (packed: Buffer) => set.add(packed);
  await Promise.all([
    eachPacked(pool, RECORDED_SQL, sourceId, take),
    eachPacked(pool, UNMATCHED_SQL, sourceId, take),
  ]);
  return set;
}

/** What a read needs to recognize unchanged entries: the run's fingerprint and the recorded digests. */
export interface KnownDigests {
  fingerprint: string;
  recorded: DigestSet;
}
