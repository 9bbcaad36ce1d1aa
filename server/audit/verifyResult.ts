import type { ChainedContent, ChainFormula, HashHex } from './chain.ts';

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
    stored: HashHex,
    previous: HashHex,
    formula: ChainFormula,
  ): VerifyProblem | null;
  /** Once the walk reached the database's last event: what the copy holds beyond it. */
  end(last: bigint, lastHash: HashHex, formula: ChainFormula): VerifyProblem | null;
  summary(): SiemCopySummary;
}

/** An error's message, for reports (never a stack). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
