import type pg from 'pg';
import { loadCheckpointAnchors } from '../audit/anchors.ts';
import { SiemCopyCheck } from '../audit/siemCopy.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import type { VerifyResult } from '../audit/verifyResult.ts';
import { readReceivedCopy } from './receivedCopy.ts';

/** What `audit verify` checks the log against. */
export interface VerifyLogOptions {
  /** The HMAC key of events before the keyless switch. */
  legacyKey: Buffer | null;
  /** The checkpoint directory: its keyring, and its checkpoint file when `withFile`. */
  checkpointDir: string;
  /** Check against the directory's checkpoint file (it was named, or it exists). */
  withFile: boolean;
  /** Trust only these public keys (and those they rotated to), not the directory's keyring. */
  pinned: Buffer[] | null;
  /** What the SIEM receiver stored of the stream (docs/siem.md), to compare the log with. */
  siemCopy: string | null;
  /** Walk from the last signed checkpoint only (`--since-checkpoint`). */
  sinceLastCheckpoint?: boolean;
}

/**
 * Walks the audit chain against the signed checkpoints and, with a SIEM copy, against what the
 * receiver stored: the events past the last checkpoint, which no signature covers, must be in
 * the copy as they are in the database (audit/siemCopy.ts). The copy's checkpoint records are the
 * same signed history as the file's, so they are used too (their signatures checked the same
 * way): a copy that reaches further than the auditor's copy of the file anchors more of the log.
 */
export async function verifyAuditLogWith(
  pool: pg.Pool,
  options: VerifyLogOptions,
): Promise<VerifyResult> {
  const { checkpointDir, pinned } = options;
  let checkpoints = options.withFile ? loadCheckpointAnchors(checkpointDir, pinned) : undefined;
  let copy: SiemCopyCheck | undefined;
  if (options.siemCopy) {
    // The content of events past the last checkpoint known here is kept: their chain is recomputed.
    const signed = checkpoints && !checkpoints.problem ? checkpoints.requiredSeq : 0n;
    const received = await readReceivedCopy(options.siemCopy, signed);
    if (received.records.length > 0)
      checkpoints = loadCheckpointAnchors(checkpointDir, pinned, received.records);
    copy = new SiemCopyCheck(received, checkpoints);
  }
  return verifyAuditChain(pool, {
    legacyKey: options.legacyKey,
    checkpoints,
    copy,
    sinceLastCheckpoint: options.sinceLastCheckpoint,
  });
}
