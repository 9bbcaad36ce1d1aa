import { createHash } from 'node:crypto';
import type { CheckpointAnchors } from './anchors.ts';
import {
  type ChainedContent,
  type ChainFormula,
  canonicalJson,
  chainHash,
  GENESIS_HASH,
  type HashHex,
} from './chain.ts';
import type { AnyCheckpointRecord } from './checkpoints.ts';
import type { EventCopyCheck, SiemCopySummary, VerifyProblem } from './verifyResult.ts';

/**
 * The comparison of the chain with the SIEM receiver's copy of the stream (docs/audit.md, "The
 * window"): the events past the last signed checkpoint are protected by that copy, not by a
 * signature. The copy's lines are read by siem/receivedCopy.ts into {@link CopyItem}s; this module
 * gathers them and compares them, event by event, as `verifyAuditChain` walks the database.
 */

/** One thing read from the copy, in the order received. */
export type CopyItem =
  | { kind: 'event'; line: number; hash: Buffer; content: ChainedContent }
  | { kind: 'record'; line: number; record: AnyCheckpointRecord }
  /** A message cut short by a receiver crash (the stream sends it again). */
  | { kind: 'torn'; line: number }
  /** A line that is not an audit message (another program's, the receiver's own). */
  | { kind: 'foreign'; line: number }
  /** A line that looks like an audit message but is not a valid one. */
  | { kind: 'bad'; line: number; seq: string | null; detail: string }
  | { kind: 'unreadable'; detail: string };

/**
 * One distinct version of an event in the copy (identical duplicates are one version). Kept
 * small, a copy may hold millions: strings rather than Buffers, and a second version of the same
 * seq (rare) linked from the first rather than every seq holding an array.
 */
interface CopyVersion {
  /** Arrival order (among all messages of the copy) of its last copy. */
  last: number;
  line: number;
  /** The chain hash, hex (strings: a copy may hold millions of events, and a Buffer costs more). */
  hash: string;
  /** SHA-256 of its canonical content, base64: same content, same digest. */
  digest: string;
  /** Kept only past the last checkpoint, where the copy's own chain is recomputed. */
  content: ChainedContent | null;
  /** Another version of the same seq, received later. */
  other: CopyVersion | null;
}

/** Every version of a seq, in order of first arrival. */
function versionsFrom(first: CopyVersion): CopyVersion[] {
  const versions: CopyVersion[] = [];
  for (let version: CopyVersion | null = first; version; version = version.other)
    versions.push(version);
  return versions;
}

/** The SIEM receiver's copy, gathered. */
export interface ReceivedCopy {
  path: string;
  /** By seq (in decimal, as the chain writes it), its first version. */
  events: Map<string, CopyVersion>;
  /** Distinct signed checkpoint records in the copy, in order of first arrival. */
  records: AnyCheckpointRecord[];
  /**
   * Where each restore record first arrived, and the last seq both histories share (the
   * checkpoint it restored from): what arrived before it past that seq may be of the abandoned
   * history, and the stream sends the new history again after it.
   */
  restores: { seq: bigint; arrival: number }[];
  /** Event messages, and those among them that repeat one received before. */
  messages: number;
  duplicates: number;
  torn: number;
  foreign: number;
  /** The first problem of the copy itself (an unreadable file, a bad line, a conflict of records). */
  problem: VerifyProblem | null;
}

function digestOf(content: ChainedContent): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('base64');
}

/**
 * Gathers the items of a copy: per seq its distinct versions with where they arrived, the
 * checkpoint records, counts. Content is kept only for seqs past `keepContentAfter` (the last
 * checkpoint known before reading): elsewhere a digest suffices, and a copy may hold years.
 * Stops at the first problem of the copy itself.
 */
export async function collectCopy(
  path: string,
  items: AsyncIterable<CopyItem>,
  keepContentAfter: bigint,
): Promise<ReceivedCopy> {
  const copy: ReceivedCopy = {
    path,
    events: new Map(),
    records: [],
    restores: [],
    messages: 0,
    duplicates: 0,
    torn: 0,
    foreign: 0,
    problem: null,
  };
  const records = new Map<number, AnyCheckpointRecord>();
  let arrival = 0;
  for await (const item of items) {
    if (item.kind === 'event') {
      arrival += 1;
      copy.messages += 1;
      const seq = item.content.seq;
      const hash = item.hash.toString('hex');
      const digest = digestOf(item.content);
      const known = copy.events.get(seq);
      const versions = known ? versionsFrom(known) : [];
      const same = versions.find((v) => v.hash === hash && v.digest === digest);
      if (same) {
        same.last = arrival;
        copy.duplicates += 1;
      } else {
        const content = BigInt(seq) > keepContentAfter ? item.content : null;
        const version = { last: arrival, line: item.line, hash, digest, content, other: null };
        const latest = versions.at(-1);
        if (latest) latest.other = version;
        else copy.events.set(seq, version);
      }
    } else if (item.kind === 'record') {
      arrival += 1;
      const { record } = item;
      const known = records.get(record.index);
      if (known && canonicalJson(known) !== canonicalJson(record))
        copy.problem = {
          seq: 'seq' in record ? record.seq : '0',
          problem: 'siem_conflict',
          detail: `line ${item.line} of the SIEM copy holds checkpoint record #${record.index} different from an earlier copy of it`,
        };
      else if (!known) {
        records.set(record.index, record);
        copy.records.push(record);
        if (record.type === 'restore')
          copy.restores.push({ seq: BigInt(record.restoredFrom.seq), arrival });
      }
    } else if (item.kind === 'torn') copy.torn += 1;
    else if (item.kind === 'foreign') copy.foreign += 1;
    else if (item.kind === 'bad')
      copy.problem = {
        seq: item.seq ?? '0',
        problem: 'siem_bad_line',
        detail: `line ${item.line} of the SIEM copy is not a valid audit message: ${item.detail}`,
      };
    else copy.problem = { seq: '0', problem: 'unreadable', detail: item.detail };
    if (copy.problem) break;
  }
  return copy;
}

/**
 * Compares the walked events with a gathered copy. Past the last signed checkpoint (seq S, hash
 * H) every event of the database must be in the copy with the same content and hash, and the
 * copy's own hashes are recomputed from its content, from H on, so a forged copy line is told
 * from an edited database. Before S the copy, where it reaches, must agree too. An event the copy
 * holds and the database lacks is tampering; events newer than the copy's last are the stream's
 * lag, counted. After a restore from backup the stream sends its signed record and then the new
 * history again from the checkpoint restored from (siem/worker.ts), so what arrived before that
 * record past that checkpoint is set aside.
 */
export class SiemCopyCheck implements EventCopyCheck {
  private readonly signedSeq: bigint;
  private readonly signedHash: HashHex;
  private readonly firstSeq: bigint = 0n;
  private readonly lastSeq: bigint = 0n;
  private readonly distinct: number = 0;
  private readonly abandoned: number = 0;
  private readonly unrecordedRestores: boolean;
  private compared = 0;
  /** The last event the copy held and matched: the predecessor the copy itself vouches for. */
  private matched = -1n;
  private notYetInCopy = 0;
  private uncovered = 0;

  constructor(
    private readonly copy: ReceivedCopy,
    checkpoints?: CheckpointAnchors,
  ) {
    this.signedSeq = checkpoints?.requiredSeq ?? 0n;
    this.signedHash = (checkpoints?.anchors.get(this.signedSeq)?.hash ?? GENESIS_HASH).toString(
      'hex',
    );
    this.unrecordedRestores = (checkpoints?.restores ?? 0) > copy.restores.length;
    for (const [key, first] of copy.events) {
      const seq = BigInt(key);
      const versions = versionsFrom(first);
      const live = this.live(seq, versions).length;
      this.abandoned += versions.length - live;
      if (live === 0) continue;
      this.distinct += 1;
      if (this.firstSeq === 0n || seq < this.firstSeq) this.firstSeq = seq;
      if (seq > this.lastSeq) this.lastSeq = seq;
    }
  }

  get problem(): VerifyProblem | null {
    return this.copy.problem;
  }

  /** The versions of `seq` that are not of a history a later restore record abandoned. */
  private live(seq: bigint, versions: CopyVersion[]): CopyVersion[] {
    let cutoff = 0;
    for (const restore of this.copy.restores)
      if (restore.seq < seq && restore.arrival > cutoff) cutoff = restore.arrival;
    return cutoff === 0 ? versions : versions.filter((version) => version.last > cutoff);
  }

  step(
    content: ChainedContent,
    stored: HashHex,
    previous: HashHex,
    formula: ChainFormula,
  ): VerifyProblem | null {
    const seq = BigInt(content.seq);
    const first = this.copy.events.get(content.seq);
    const live = first ? this.live(seq, versionsFrom(first)) : [];
    const unsigned = seq > this.signedSeq;
    const [version, other] = live;
    if (!version) {
      if (unsigned) {
        if (seq > this.lastSeq) this.notYetInCopy += 1;
        else this.uncovered += 1;
      }
      return null;
    }
    if (other)
      return {
        seq: content.seq,
        problem: 'siem_conflict',
        detail: `the SIEM copy holds two different versions of event ${seq} (lines ${version.line} and ${other.line}): a line of the copy was altered, or the event was changed in the database and streamed again`,
      };
    this.compared += 1;
    const line = `line ${version.line} of the SIEM copy`;
    // Past the last checkpoint the copy's own chain is what holds: recompute it from its content.
    let follows: boolean | null = null;
    if (unsigned && version.content) {
      const from = seq === this.signedSeq + 1n ? this.signedHash : previous;
      const recomputed = chainHash(formula, from, version.content);
      follows = recomputed ? recomputed === version.hash : null;
    }
    // Recomputed from the signed hash or from a predecessor the copy matched, a line that does not
    // follow was altered in the copy; after a hole in the copy the predecessor is only the
    // database's, which may be the altered one.
    const vouched = seq === this.signedSeq + 1n || this.matched === seq - 1n;
    if (follows === false && vouched)
      return {
        seq: content.seq,
        problem: 'siem_copy_forged',
        detail: `${line} (event ${seq}) does not match its hash recomputed from its content and the previous event's, from the last signed checkpoint on: the copy's line was altered`,
      };
    if (follows === false)
      return {
        seq: content.seq,
        problem: 'siem_mismatch',
        detail: `${line} (event ${seq}) does not follow from the database's event ${seq - 1n}, which the copy lacks: that event (or one before it, back to the copy's previous event) was changed in the database, or the copy's line was altered`,
      };
    const sameHash = version.hash === stored;
    if (sameHash && version.digest === digestOf(content)) {
      this.matched = seq;
      return null;
    }
    if (sameHash)
      return {
        seq: content.seq,
        problem: 'siem_copy_forged',
        detail: `${line} holds event ${seq} with other content under the same hash: the copy's line was altered`,
      };
    const why =
      follows === true
        ? `; the copy's line follows from the last signed checkpoint, so the database's event was changed (edited, inserted, deleted or reordered, and the later hashes rewritten)`
        : '';
    const restore = this.unrecordedRestores
      ? '; a restore from backup is recorded that this copy does not hold yet: the copy line may be of the history it abandoned'
      : '';
    return {
      seq: content.seq,
      problem: 'siem_mismatch',
      detail: `event ${seq} of the database differs from ${line}${why}${restore}`,
    };
  }

  end(last: bigint, lastHash: HashHex, formula: ChainFormula): VerifyProblem | null {
    let first: bigint | null = null;
    let version: CopyVersion | undefined;
    for (const [key, firstVersion] of this.copy.events) {
      const seq = BigInt(key);
      if (seq <= last || (first !== null && seq >= first)) continue;
      const live = this.live(seq, versionsFrom(firstVersion));
      if (live.length === 0) continue;
      first = seq;
      version = live[0];
    }
    if (first === null || !version) return null;
    let how =
      ': events were deleted from the database (a tail cut off and the head rewound, or the table truncated)';
    if (first === last + 1n && version.content) {
      const follows = chainHash(formula, lastHash, version.content) === version.hash;
      if (follows)
        how = `: it follows from the database's last event, so the chain went on past ${last} and the newest events were deleted and the head rewound`;
    }
    return {
      seq: first.toString(),
      problem: 'siem_missing',
      detail: `the SIEM copy holds event ${first} (line ${version.line}), which the database lacks (its log ends at ${last})${how}`,
    };
  }

  summary(): SiemCopySummary {
    return {
      messages: this.copy.messages,
      events: this.distinct,
      firstSeq: this.firstSeq.toString(),
      lastSeq: this.lastSeq.toString(),
      records: this.copy.records.length,
      duplicates: this.copy.duplicates,
      compared: this.compared,
      notYetInCopy: this.notYetInCopy,
      uncovered: this.uncovered,
      abandoned: this.abandoned,
      torn: this.copy.torn,
      foreign: this.copy.foreign,
    };
  }
}
