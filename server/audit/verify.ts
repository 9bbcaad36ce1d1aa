import type pg from 'pg';
import type { ArchiveAnchor, CheckpointAnchors } from './anchors.ts';
import { GENESIS_HASH } from './chain.ts';
import { ChainWalker, truncationProblem } from './chainWalker.ts';
import {
  parallelFrom,
  RANGE_EVENTS,
  type WalkProgress,
  walkInParallel,
  walkThreads,
} from './parallelWalk.ts';
import { sealStagedEvents } from './seal.ts';
import type {
  ArchiveBoundary,
  CheckpointSummary,
  EventCopyCheck,
  VerifyProblem,
  VerifyResult,
} from './verifyResult.ts';
import { walkRange } from './walkRange.ts';

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
  /**
   * Split the walk across this many threads, this one and worker threads (default: the
   * machine's cores, up to four), when it covers at least `parallelFrom` events (default
   * parallelFrom()). Not with a copy, whose comparison goes in order.
   */
  threads?: number;
  parallelFrom?: number;
  /** Events per range of a split walk (default RANGE_EVENTS; tests use a few). */
  rangeEvents?: number;
  /** Leave every range of a split walk to the workers (tests: a short log would else be walked
   * here before any worker loads). */
  workersOnly?: boolean;
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
    // The walker in one thread; the ranges' sum when the walk is split (parallelWalk.ts).
    let progress: WalkProgress = walker;
    const archive: ArchiveBoundary | undefined = boundary && {
      throughSeq: boundary.through_seq,
      throughHash: boundary.through_hash.toString('hex'),
      bundleSha256: boundary.bundle_sha256.toString('hex'),
      recordIndex: checkpoints?.archives.get(start.seq)?.index ?? null,
    };
    const result = (firstProblem: VerifyProblem | null): VerifyResult => ({
      ok: firstProblem === null,
      checked: progress.checked,
      headSeq,
      firstProblem,
      ...(checkpoints
        ? { checkpoints: checkpointSummary(checkpoints, progress.last, progress.legacyUnchecked) }
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
    const headAt = BigInt(headSeq);
    const after = start === signedStart ? start.seq : -1n;
    let problem: VerifyProblem | null;
    const threads = options.threads ?? walkThreads();
    const url = pool.options.connectionString;
    if (
      !copy &&
      url &&
      threads > 1 &&
      headAt - start.seq >= (options.parallelFrom ?? parallelFrom())
    ) {
      const snapshot = await client.query<{ id: string }>('select pg_export_snapshot() as id');
      const walked = await walkInParallel({
        url,
        snapshot: snapshot.rows[0]?.id ?? '',
        formula,
        anchors: checkpoints?.anchors ?? new Map(),
        start,
        after,
        logStart: start.seq,
        headAt,
        threads,
        rangeEvents: BigInt(options.rangeEvents ?? RANGE_EVENTS),
        workersOnly: options.workersOnly ?? false,
      });
      problem = walked.problem;
      progress = walked.progress;
    } else {
      problem = await walkRange(
        client,
        walker,
        formula,
        {
          after,
          through: null,
          start: start.seq,
          headAt,
        },
        copy,
      );
    }
    if (problem) return result(problem);
    const last = progress.last;
    if (last < headAt) {
      return result({
        seq: (last + 1n).toString(),
        problem: 'missing',
        detail: `the chain head is at ${headSeq} but the log ends at ${last}`,
      });
    }
    if (progress.previous !== (head.rows[0]?.hash ?? GENESIS_HASH).toString('hex')) {
      return result({
        seq: headSeq,
        problem: 'head_mismatch',
        detail: 'the chain head hash does not match the last event',
      });
    }
    return result(
      (checkpoints ? truncationProblem(last, checkpoints) : null) ??
        copy?.end(last, progress.previous, formula) ??
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
