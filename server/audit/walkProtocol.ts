import type { VerifyProblem } from './verifyResult.ts';

/** What a range worker is given (plain data: it crosses a thread boundary). */
export interface RangeTask {
  url: string;
  /** The snapshot of the walk's transaction (pg_export_snapshot()), so all ranges read one log. */
  snapshot: string;
  keylessFrom: string;
  legacyKey: Uint8Array | null;
  /** Signed anchors: seq, hash (hex), record index. */
  anchors: [string, string, number][];
  /** The range: events after `from` up to `through` (null: to the end). */
  from: string;
  through: string | null;
  /** The last signed seq at or before `from` (or the walk's start), for the walker's reports. */
  lastAnchor: string;
  /** The hash the range starts from (hex); null: the stored hash of event `from`. */
  startHash: string | null;
  /** Rows read: seq above this ('-1' for the first range of a walk from the log's start). */
  after: string;
  /** The log's start (the archive boundary or the signed start). */
  start: string;
  headAt: string;
}

/** What a range worker answers. */
export interface RangeOutcome {
  problem: VerifyProblem | null;
  checked: number;
  legacyUnchecked: number;
  last: string;
  /** The hash of the range's last event as recomputed (hex). */
  previous: string;
  /** Set when the worker itself failed (a lost connection): the walk then fails, not the log. */
  error?: string;
}
