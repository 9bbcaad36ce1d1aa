import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { type ChainedContent, type ChainFormula, chainHash, GENESIS_HASH } from './chain.ts';
import {
  type AnyCheckpointRecord,
  type FileProblem,
  KEYRING_FILE,
  keyIdOf,
  readCheckpointFile,
  readKeyring,
  signatureValid,
  unionOfRecords,
} from './checkpoints.ts';
import { sealStagedEvents } from './seal.ts';

/** A stored audit row as read for verification and export. */
export interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  details: unknown;
  hash: Buffer;
}

/** The column list matching AuditRow. */
export const AUDIT_ROW_COLUMNS = `seq::text as seq, at, actor_id, actor_label, actor_role, ip, user_agent,
  request_id, action, target_type, target_id, target_label, outcome, reason, diff, details, hash`;

/**
 * AUDIT_ROW_COLUMNS with `at` as the very text toISOString() gives (UTC, milliseconds), for the
 * walk: parsing a Date and printing it again per event is a tenth of a verification's time. It
 * trusts the database no more than reading the column does.
 */
const WALK_COLUMNS = AUDIT_ROW_COLUMNS.replace(
  ' at,',
  ` to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,`,
);

/** An audit row as the walk reads it (WALK_COLUMNS): `at` already in ISO form. */
type WalkRow = Omit<AuditRow, 'at'> & { at: string };

/** The content an audit row's hash covers. */
export function contentOfRow(row: AuditRow | WalkRow): ChainedContent {
  return {
    seq: row.seq,
    at: typeof row.at === 'string' ? row.at : row.at.toISOString(),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    actorRole: row.actor_role,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabel: row.target_label,
    outcome: row.outcome,
    reason: row.reason,
    diff: row.diff,
    details: row.details,
  };
}

/** What can be wrong, in the order a walk meets it. */
export const VERIFY_PROBLEMS = [
  'missing',
  'hash_mismatch',
  'head_mismatch',
  'beyond_head',
  'out_of_order',
  'checkpoint_mismatch',
  'truncated',
  'bad_checkpoint',
  'bad_signature',
  'unknown_key',
  'formula_mismatch',
  'incomplete_export',
  'unsigned_archive',
  'unreadable',
  // Against the SIEM receiver's copy (siemCopy.ts, `audit verify --siem-copy FILE`):
  'siem_mismatch',
  'siem_missing',
  'siem_copy_forged',
  'siem_conflict',
  'siem_bad_line',
] as const;
export type VerifyProblemKind = (typeof VERIFY_PROBLEMS)[number];

/** The first thing that does not match: an event's seq (or the checkpoint's), a kind, words. */
export interface VerifyProblem {
  seq: string;
  problem: VerifyProblemKind;
  detail: string;
}

/** What the signed checkpoints contributed to a verification. */
export interface CheckpointSummary {
  /** Records in the checkpoint file (checkpoints, restores, key rotations). */
  records: number;
  /** The highest seq a valid checkpoint signs (0: none). */
  lastSeq: string;
  /** Events past the last checkpoint: protected by the SIEM copy, not by a signature. */
  unsignedTail: number;
  /** Restores from backup recorded in the file. */
  restores: number;
  /** The signed archive records: events moved out of the database into bundles. */
  archives: SignedArchive[];
  /** Events before the keyless switch not recomputed (no legacy HMAC key at hand). */
  legacyUnchecked: number;
}

/** A signed archive record, as reported. */
export interface SignedArchive {
  /** Its index in the checkpoint file. */
  index: number;
  fromSeq: string;
  throughSeq: string;
  /** SHA-256 of the bundle that holds events fromSeq..throughSeq: compare it with the file. */
  bundleSha256: string;
}

/** Where the verified log starts when older events were archived (`audit archive`). */
export interface ArchiveBoundary {
  /** Events 1..throughSeq are archived; the log starts at throughSeq + 1. */
  throughSeq: string;
  /** The hash of event throughSeq: the first remaining event links to it. */
  throughHash: string;
  /** SHA-256 of the bundle that holds the archived events. */
  bundleSha256: string;
  /** The signed archive record that covers it (null: not checked against checkpoints). */
  recordIndex: number | null;
}

/** What the comparison with the SIEM receiver's copy found besides problems (siemCopy.ts). */
export interface SiemCopySummary {
  /** Audit event messages in the copy, duplicates included. */
  messages: number;
  /** Distinct events in the copy (a seq received several times counts once). */
  events: number;
  /** The lowest and highest seq the copy holds ('0' when it holds none). */
  firstSeq: string;
  lastSeq: string;
  /** Signed checkpoint records found in the copy (distinct). */
  records: number;
  /** Identical messages received again (the stream is at least once). */
  duplicates: number;
  /** Events compared with the database. */
  compared: number;
  /** Events of the database newer than the copy's last one: the stream lags (not tampering). */
  notYetInCopy: number;
  /** Events past the last checkpoint inside the copy's range that it lacks (the receiver lost them). */
  uncovered: number;
  /** Messages of a history that a restore from backup abandoned, set aside. */
  abandoned: number;
  /** Messages torn by a receiver crash, and lines that are no audit message, skipped. */
  torn: number;
  foreign: number;
}

/** The outcome of walking the chain. */
export interface VerifyResult {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** The sequence number of the chain head. */
  headSeq: string;
  /** The first broken or missing link, if any. */
  firstProblem: VerifyProblem | null;
  /** Present when the walk was checked against signed checkpoints. */
  checkpoints?: CheckpointSummary;
  /** Present when the log starts after archived events. */
  archive?: ArchiveBoundary;
  /** Present when an export bundle was verified (verify-export). */
  bundle?: BundleSummary;
  /** Present when the walk started at the last signed checkpoint: its seq. */
  sinceCheckpoint?: string;
  /** Present when the walk was compared with the SIEM receiver's copy. */
  siemCopy?: SiemCopySummary;
}

/** What verify-export says of the bundle file itself. */
export interface BundleSummary {
  /** SHA-256 of the file: an archive bundle's is named by its signed archive record. */
  sha256: string;
  /** An archive bundle (`audit archive`): the events it holds, exactly; null for an export. */
  archived: { fromSeq: string; throughSeq: string } | null;
}

/**
 * An outside copy of the events that the walk compares with as it goes, in seq order (the SIEM
 * receiver's: siemCopy.ts). Defined here so the walk needs nothing of how the copy is read.
 */
export interface EventCopyCheck {
  /** A problem of the copy itself, found before the walk (an unreadable file, a bad line). */
  readonly problem: VerifyProblem | null;
  /** Compares the event just walked (its link already checked; `previous`: its predecessor's hash). */
  step(
    content: ChainedContent,
    stored: Buffer,
    previous: Buffer,
    formula: ChainFormula,
  ): VerifyProblem | null;
  /** Once the walk reached the database's last event: what the copy holds beyond it. */
  end(last: bigint, lastHash: Buffer, formula: ChainFormula): VerifyProblem | null;
  summary(): SiemCopySummary;
}

/** A signed point the recomputed chain must pass through. */
interface Anchor {
  hash: Buffer;
  index: number;
}

/** A signed archive record: events fromSeq..its seq left the database into a bundle. */
export interface ArchiveAnchor {
  fromSeq: bigint;
  /** The hash of the last archived event, where the remaining chain starts. */
  hash: Buffer;
  bundleSha256: string;
  index: number;
}

/** The signed checkpoints, their signatures checked, reduced to what the walk compares. */
export interface CheckpointAnchors {
  anchors: Map<bigint, Anchor>;
  /** The highest signed seq: the log must reach it. */
  requiredSeq: bigint;
  /** The index of the record that signs requiredSeq. */
  requiredIndex: number;
  keylessFrom: bigint | null;
  /** Signed archive records by their last archived seq (a restore drops those past its head). */
  archives: Map<bigint, ArchiveAnchor>;
  records: number;
  restores: number;
  problem: VerifyProblem | null;
}

function noAnchors(): CheckpointAnchors {
  return {
    anchors: new Map(),
    requiredSeq: 0n,
    requiredIndex: -1,
    keylessFrom: null,
    archives: new Map(),
    records: 0,
    restores: 0,
    problem: null,
  };
}

/**
 * Checks every record of a checkpoint file against the trusted public keys (raw, by key id) and
 * reduces them to anchors: seq → signed hash. A `key-rotated` record signed by a trusted key
 * trusts the key it names. A `restore` record drops the anchors and archives past the restored
 * head (that history was lost legitimately) and anchors the restored head. A back-filled
 * checkpoint anchors a seq behind the head without moving the head the log must reach; an
 * `archive` record must name a seq and hash an earlier checkpoint signs. Stops at the first
 * problem.
 */
export function checkpointAnchors(
  records: AnyCheckpointRecord[],
  fileProblems: FileProblem[],
  trustedKeys: Buffer[],
): CheckpointAnchors {
  const trusted = new Map(trustedKeys.map((key) => [keyIdOf(key), key]));
  const result: CheckpointAnchors = { ...noAnchors(), records: records.length };
  const fail = (seq: string, problem: VerifyProblemKind, detail: string) => {
    result.problem = { seq, problem, detail };
    return result;
  };
  const firstFileProblem = fileProblems[0];
  if (firstFileProblem)
    return fail('0', 'bad_checkpoint', `checkpoint file: ${firstFileProblem.detail}`);
  let top = 0n;
  for (const [position, record] of records.entries()) {
    const seq = 'seq' in record ? record.seq : '0';
    const name = `checkpoint record #${record.index}`;
    if (record.index !== position)
      return fail(
        seq,
        'bad_checkpoint',
        `${name} stands at position ${position}: records were removed, added or reordered`,
      );
    const key = trusted.get(record.keyId);
    if (!key)
      return fail(
        seq,
        'unknown_key',
        `${name} is signed by key ${record.keyId}, not a trusted key`,
      );
    if (!signatureValid(record, key))
      return fail(seq, 'bad_signature', `${name} (seq ${seq}) has an invalid signature`);
    if (record.type === 'key-rotated') {
      const raw = Buffer.from(record.newPublicKey, 'base64');
      if (raw.length === 32) trusted.set(keyIdOf(raw), raw);
      continue;
    }
    if (record.type === 'archive') {
      const at = BigInt(record.seq);
      const hash = Buffer.from(record.headHash, 'hex');
      const anchor = result.anchors.get(at);
      if (!anchor?.hash.equals(hash))
        return fail(
          seq,
          'bad_checkpoint',
          `${name} archives events up to ${seq} with a hash no earlier checkpoint signs at that seq`,
        );
      result.archives.set(at, {
        fromSeq: BigInt(record.fromSeq),
        hash,
        bundleSha256: record.bundleSha256,
        index: record.index,
      });
      continue;
    }
    const keylessFrom = BigInt(record.keylessFrom);
    if (result.keylessFrom !== null && result.keylessFrom !== keylessFrom)
      return fail(seq, 'formula_mismatch', `${name} moves the keyless switch point`);
    result.keylessFrom = keylessFrom;
    const at = BigInt(record.seq);
    const hash = Buffer.from(record.headHash, 'hex');
    if (record.type === 'checkpoint' && record.backfill) {
      const known = result.anchors.get(at);
      if (at > top || (known && !known.hash.equals(hash)))
        return fail(
          seq,
          'bad_checkpoint',
          `${name} back-fills seq ${seq}, ${at > top ? `ahead of the newest checkpoint (${top})` : 'contradicting an earlier checkpoint'}`,
        );
      result.anchors.set(at, { hash, index: record.index });
      continue;
    }
    if (record.type === 'restore') {
      for (const anchored of result.anchors.keys())
        if (anchored > at) result.anchors.delete(anchored);
      for (const archived of result.archives.keys())
        if (archived > at) result.archives.delete(archived);
      result.restores += 1;
      top = at;
    } else if (at < top) {
      return fail(
        seq,
        'bad_checkpoint',
        `${name} signs seq ${seq}, behind the previous checkpoint (${top}), with no restore record`,
      );
    } else top = at;
    result.anchors.set(at, { hash, index: record.index });
    result.requiredSeq = at;
    result.requiredIndex = record.index;
  }
  return result;
}

/**
 * Recomputes the chain one event at a time, in seq order, from a start (seq 1 and the genesis
 * hash, or just past a signed checkpoint or archive boundary), against the stored hashes and the
 * signed anchors.
 */
export class ChainWalker {
  expected: bigint;
  previous: Buffer;
  checked = 0;
  legacyUnchecked = 0;
  private lastAnchor: bigint;

  constructor(
    private readonly formula: ChainFormula,
    private readonly anchors: Map<bigint, Anchor>,
    start: { seq: bigint; hash: Buffer } = { seq: 0n, hash: GENESIS_HASH },
  ) {
    this.expected = start.seq + 1n;
    this.previous = start.hash;
    this.lastAnchor = start.seq;
  }

  /** The last seq walked. */
  get last(): bigint {
    return this.expected - 1n;
  }

  /** Checks the next event; returns the problem it shows, if any. */
  step(content: ChainedContent, stored: Buffer): VerifyProblem | null {
    const seq = BigInt(content.seq);
    if (seq !== this.expected) {
      if (seq < this.expected)
        return {
          seq: content.seq,
          problem: 'out_of_order',
          detail: `event ${seq} appears again or out of order after event ${this.expected - 1n}`,
        };
      return {
        seq: this.expected.toString(),
        problem: 'missing',
        detail: `event ${this.expected} is missing (next present: ${seq})`,
      };
    }
    let recomputed = chainHash(this.formula, this.previous, content);
    if (recomputed === null) {
      this.legacyUnchecked += 1;
      recomputed = stored;
    } else if (!recomputed.equals(stored)) {
      return {
        seq: content.seq,
        problem: 'hash_mismatch',
        detail: `event ${seq} does not match its hash: it or its predecessor was altered`,
      };
    }
    const anchor = this.anchors.get(seq);
    if (anchor) {
      if (!anchor.hash.equals(recomputed))
        return {
          seq: content.seq,
          problem: 'checkpoint_mismatch',
          detail: `the chain recomputed to event ${seq} differs from signed checkpoint record #${anchor.index}: an event after ${this.lastAnchor} up to ${seq} was edited, inserted, deleted or reordered and the later hashes rewritten`,
        };
      this.lastAnchor = seq;
    }
    this.previous = recomputed;
    this.expected += 1n;
    this.checked += 1;
    return null;
  }

  /** The problem of a log that ends before the last signed checkpoint, if it does. */
  truncation(checkpoints: CheckpointAnchors): VerifyProblem | null {
    if (this.last >= checkpoints.requiredSeq) return null;
    return {
      seq: (this.last + 1n).toString(),
      problem: 'truncated',
      detail: `the log ends at event ${this.last} but checkpoint record #${checkpoints.requiredIndex} signs event ${checkpoints.requiredSeq}: events ${this.last + 1n}..${checkpoints.requiredSeq} were deleted (and the head rewound), unless a restore from backup is recorded (audit checkpoint-restore)`,
    };
  }
}

/**
 * The checkpoints of a directory, their signatures checked against its keyring (or `pinned`),
 * together with records `copied` from elsewhere (the SIEM receiver's copy): the same signed
 * history, so a record of either is used, and one index holding two different records is a
 * problem.
 */
export function loadCheckpointAnchors(
  dir: string,
  pinned: Buffer[] | null = null,
  copied: AnyCheckpointRecord[] = [],
): CheckpointAnchors {
  const empty = noAnchors();
  const failed = (problem: VerifyProblem): CheckpointAnchors => ({ ...empty, problem });
  let file: ReturnType<typeof readCheckpointFile>;
  let keys: Buffer[];
  try {
    file = readCheckpointFile(dir);
    if (pinned) keys = pinned;
    else {
      const keyring = readKeyring(`${dir}/${KEYRING_FILE}`);
      if (keyring.problems.length > 0)
        return failed({
          seq: '0',
          problem: 'bad_checkpoint',
          detail: `keyring: ${keyring.problems[0]}`,
        });
      keys = keyring.entries.map((entry) => Buffer.from(entry.publicKey, 'base64'));
    }
  } catch (error) {
    return failed({ seq: '0', problem: 'unreadable', detail: `${dir}: ${errorText(error)}` });
  }
  if (!file && copied.length === 0)
    return failed({ seq: '0', problem: 'unreadable', detail: `${dir} holds no checkpoint file` });
  const union = unionOfRecords(file?.records ?? [], copied);
  if (union.conflict)
    return failed({
      seq: union.conflict.seq,
      problem: 'siem_conflict',
      detail: union.conflict.detail,
    });
  return checkpointAnchors(union.records, file?.problems ?? [], keys);
}

/** An error's message, for reports (never a stack). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Options of verifyAuditChain. */
export interface VerifyOptions {
  /** The HMAC key of events before the keyless switch (the service's derived audit key). */
  legacyKey: Buffer | null;
  /** Signed checkpoints to check the chain against; without them only the database is used. */
  checkpoints?: CheckpointAnchors;
  /**
   * Start at the last signed checkpoint instead of the log's start: its event must still carry
   * the signed hash, then only the events after it are walked (the routine check between full
   * ones; an edit before the checkpoint is found by the next full walk). Needs `checkpoints`.
   */
  sinceLastCheckpoint?: boolean;
  /** The SIEM receiver's copy to compare every event with (siemCopy.ts). */
  copy?: EventCopyCheck;
}

/** One row of audit_archive: where the database's chain starts after an archive. */
interface BoundaryRow {
  through_seq: string;
  through_hash: Buffer;
  bundle_sha256: Buffer;
}

/**
 * The problem of an archive boundary the signed archive records do not cover: every row of
 * audit_archive must match one (seq, hash and bundle), or events were deleted without an archive.
 */
function unsignedBoundary(
  rows: BoundaryRow[],
  archives: Map<bigint, ArchiveAnchor>,
): VerifyProblem | null {
  for (const row of rows) {
    const signed = archives.get(BigInt(row.through_seq));
    if (
      signed?.hash.equals(row.through_hash) &&
      signed.bundleSha256 === row.bundle_sha256.toString('hex')
    )
      continue;
    return {
      seq: row.through_seq,
      problem: 'unsigned_archive',
      detail: `the database says events up to ${row.through_seq} were archived (audit_archive), but no valid signed archive record says so${signed ? ' with that hash and bundle' : ''}: events were deleted without an archive, or the boundary was forged`,
    };
  }
  return null;
}

/**
 * Walks the whole chain in one consistent snapshot, recomputing every hash, and reports the first
 * event that was edited (hash mismatch), deleted (missing sequence number), forged past the head,
 * or — with signed checkpoints — rewritten with recomputed hashes (checkpoint mismatch) or cut off
 * with the head rewound (truncated), or — with the SIEM receiver's copy — differing from that copy
 * (the events past the last checkpoint, which no signature covers). After an archive the walk
 * starts at the boundary in audit_archive (the first remaining event must link to the archived
 * last hash); with signed checkpoints that boundary must be covered by a signed archive record.
 * Never throws for what it finds in the data.
 */
export async function verifyAuditChain(
  pool: pg.Pool,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const { checkpoints, copy } = options;
  const early = checkpoints?.problem ?? copy?.problem;
  if (early)
    return {
      ok: false,
      checked: 0,
      headSeq: '0',
      firstProblem: early,
      ...(checkpoints ? { checkpoints: checkpointSummary(checkpoints, 0n, 0) } : {}),
      ...(copy ? { siemCopy: copy.summary() } : {}),
    };
  // Events committed but still staged join the chain first, so the whole log is verified.
  await sealStagedEvents(pool);
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const head = await client.query<{ seq: string; hash: Buffer }>(
      'select seq::text as seq, hash from audit_chain_head where id = 1',
    );
    const formulaRow = await client.query<{ keyless_from: string }>(
      'select keyless_from::text as keyless_from from audit_chain_formula where id = 1',
    );
    const boundaries = await client.query<BoundaryRow>(
      'select through_seq::text as through_seq, through_hash, bundle_sha256 from audit_archive order by through_seq',
    );
    const headSeq = head.rows[0]?.seq ?? '0';
    const storedSwitch = BigInt(formulaRow.rows[0]?.keyless_from ?? '1');
    const keylessFrom = checkpoints?.keylessFrom ?? storedSwitch;
    const boundary = boundaries.rows.at(-1);
    const logStart = boundary
      ? { seq: BigInt(boundary.through_seq), hash: boundary.through_hash }
      : { seq: 0n, hash: GENESIS_HASH };
    const signedStart = options.sinceLastCheckpoint ? lastSignedPoint(checkpoints) : null;
    const start = signedStart && signedStart.seq > logStart.seq ? signedStart : logStart;
    const formula = { keylessFrom, legacyKey: options.legacyKey };
    const walker = new ChainWalker(formula, checkpoints?.anchors ?? new Map(), start);
    const archive: ArchiveBoundary | undefined = boundary && {
      throughSeq: boundary.through_seq,
      throughHash: boundary.through_hash.toString('hex'),
      bundleSha256: boundary.bundle_sha256.toString('hex'),
      recordIndex: checkpoints?.archives.get(start.seq)?.index ?? null,
    };
    const result = (firstProblem: VerifyProblem | null): VerifyResult => ({
      ok: firstProblem === null,
      checked: walker.checked,
      headSeq,
      firstProblem,
      ...(checkpoints
        ? { checkpoints: checkpointSummary(checkpoints, walker.last, walker.legacyUnchecked) }
        : {}),
      ...(archive ? { archive } : {}),
      ...(start === signedStart ? { sinceCheckpoint: start.seq.toString() } : {}),
      ...(copy ? { siemCopy: copy.summary() } : {}),
    });
    if (keylessFrom !== storedSwitch)
      return result({
        seq: storedSwitch.toString(),
        problem: 'formula_mismatch',
        detail: `audit_chain_formula says the keyless chain starts at ${storedSwitch}; the signed checkpoints say ${keylessFrom}`,
      });
    const unsigned = checkpoints ? unsignedBoundary(boundaries.rows, checkpoints.archives) : null;
    if (unsigned) return result(unsigned);
    if (start === signedStart) {
      const problem = await signedStartProblem(client, signedStart);
      if (problem) return result(problem);
    }
    const stream = client.query(
      // Qualified: a bare `seq` in ORDER BY is the text output column (1, 10, 100, 2, ...).
      new QueryStream(
        `select ${WALK_COLUMNS} from audit_event e where e.seq > $1 order by e.seq`,
        // From the log's own start, every row (a row put back into an archived range included).
        [start === signedStart ? start.seq.toString() : '-1'],
        { batchSize: 10_000 },
      ),
    );
    const headAt = BigInt(headSeq);
    for await (const raw of stream) {
      const row = raw as WalkRow;
      if (BigInt(row.seq) > headAt) {
        stream.destroy();
        return result({
          seq: row.seq,
          problem: 'beyond_head',
          detail: `event ${row.seq} lies past the chain head (${headSeq}): the chain never wrote it`,
        });
      }
      if (BigInt(row.seq) <= start.seq) {
        stream.destroy();
        return result({
          seq: row.seq,
          problem: 'out_of_order',
          detail: `event ${row.seq} lies in the archived range (up to ${start.seq}), which the archive removed from the log: it was put back, or the boundary was forged`,
        });
      }
      const content = contentOfRow(row);
      const previous = walker.previous;
      let problem = walker.step(content, row.hash);
      if (!problem && copy) {
        problem = copy.step(content, row.hash, previous, formula);
        // The event the copy contradicts is not a verified one.
        if (problem) walker.checked -= 1;
      }
      if (problem) {
        stream.destroy();
        return result(problem);
      }
    }
    const last = walker.last;
    if (last < headAt) {
      return result({
        seq: (last + 1n).toString(),
        problem: 'missing',
        detail: `the chain head is at ${headSeq} but the log ends at ${last}`,
      });
    }
    if (!walker.previous.equals(head.rows[0]?.hash ?? GENESIS_HASH)) {
      return result({
        seq: headSeq,
        problem: 'head_mismatch',
        detail: 'the chain head hash does not match the last event',
      });
    }
    return result(
      (checkpoints ? walker.truncation(checkpoints) : null) ??
        copy?.end(last, walker.previous, formula) ??
        null,
    );
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}

/** The last signed point (seq and hash) of the checkpoints, or null when none signs a seq. */
function lastSignedPoint(
  checkpoints: CheckpointAnchors | undefined,
): { seq: bigint; hash: Buffer; index: number } | null {
  if (!checkpoints || checkpoints.requiredSeq === 0n) return null;
  const anchor = checkpoints.anchors.get(checkpoints.requiredSeq);
  return anchor ? { seq: checkpoints.requiredSeq, hash: anchor.hash, index: anchor.index } : null;
}

/** The event a walk from a signed checkpoint starts after must be there, with the signed hash. */
async function signedStartProblem(
  client: pg.ClientBase,
  start: { seq: bigint; hash: Buffer; index: number },
): Promise<VerifyProblem | null> {
  const { rows } = await client.query<{ hash: Buffer }>(
    'select hash from audit_event where seq = $1',
    [start.seq.toString()],
  );
  const stored = rows[0]?.hash;
  if (!stored)
    return {
      seq: start.seq.toString(),
      problem: 'truncated',
      detail: `event ${start.seq}, which checkpoint record #${start.index} signs, is not in the log: it was deleted (and the head rewound), unless a restore from backup is recorded (audit checkpoint-restore)`,
    };
  if (!stored.equals(start.hash))
    return {
      seq: start.seq.toString(),
      problem: 'checkpoint_mismatch',
      detail: `event ${start.seq} no longer carries the hash checkpoint record #${start.index} signs: the log up to it was rewritten`,
    };
  return null;
}

/** What verification reports of the signed checkpoints, after walking up to `last`. */
export function checkpointSummary(
  checkpoints: CheckpointAnchors,
  last: bigint,
  legacyUnchecked: number,
): CheckpointSummary {
  const tail = last > checkpoints.requiredSeq ? last - checkpoints.requiredSeq : 0n;
  return {
    records: checkpoints.records,
    lastSeq: checkpoints.requiredSeq.toString(),
    unsignedTail: Number(tail),
    restores: checkpoints.restores,
    archives: [...checkpoints.archives].map(([seq, archive]) => ({
      index: archive.index,
      fromSeq: archive.fromSeq.toString(),
      throughSeq: seq.toString(),
      bundleSha256: archive.bundleSha256,
    })),
    legacyUnchecked,
  };
}
