import type { Anchor, CheckpointAnchors } from './anchors.ts';
import {
  type ChainedContent,
  type ChainFormula,
  chainHash,
  GENESIS_HASH,
  type HashHex,
} from './chain.ts';
import type { VerifyProblem } from './verifyResult.ts';

/**
 * Recomputes the chain one event at a time, in seq order, from a start (seq 1 and the genesis
 * hash, or just past a signed checkpoint or archive boundary), against the stored hashes and the
 * signed anchors.
 */
export class ChainWalker {
  expected: bigint;
  /** The hash of the last event walked (of the start before the first). */
  previous: HashHex;
  checked = 0;
  legacyUnchecked = 0;
  private lastAnchor: bigint;

  constructor(
    private readonly formula: ChainFormula,
    private readonly anchors: Map<bigint, Anchor>,
    start: { seq: bigint; hash: Buffer } = { seq: 0n, hash: GENESIS_HASH },
    /** The last signed point before `start` (a range of a split walk starts between two). */
    lastAnchor: bigint = start.seq,
  ) {
    this.expected = start.seq + 1n;
    this.previous = start.hash.toString('hex');
    this.lastAnchor = lastAnchor;
  }

  /** The last seq walked. */
  get last(): bigint {
    return this.expected - 1n;
  }

  /** Checks the next event against its stored hash (hex); returns the problem it shows, if any. */
  step(content: ChainedContent, stored: HashHex): VerifyProblem | null {
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
    } else if (recomputed !== stored) {
      return {
        seq: content.seq,
        problem: 'hash_mismatch',
        detail: `event ${seq} does not match its hash: it or its predecessor was altered`,
      };
    }
    const anchor = this.anchors.get(seq);
    if (anchor) {
      if (anchor.hash.toString('hex') !== recomputed)
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
    return truncationProblem(this.last, checkpoints);
  }
}

/** The problem of a log whose last event is `last` while a checkpoint signs a later one. */
export function truncationProblem(
  last: bigint,
  checkpoints: CheckpointAnchors,
): VerifyProblem | null {
  if (last >= checkpoints.requiredSeq) return null;
  return {
    seq: (last + 1n).toString(),
    problem: 'truncated',
    detail: `the log ends at event ${last} but checkpoint record #${checkpoints.requiredIndex} signs event ${checkpoints.requiredSeq}: events ${last + 1n}..${checkpoints.requiredSeq} were deleted (and the head rewound), unless a restore from backup is recorded (audit checkpoint-restore)`,
  };
}
