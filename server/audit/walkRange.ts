import type pg from 'pg';
import { contentOfRow } from './auditRow.ts';
import type { ChainFormula } from './chain.ts';
import type { ChainWalker } from './chainWalker.ts';
import type { EventCopyCheck, VerifyProblem } from './verifyResult.ts';
import { walkRowBatches } from './walkRows.ts';

/** Which rows one walk reads and what it holds them to. */
export interface WalkBounds {
  /** Rows with seq above this are read ('-1': every row, one put back below the start too). */
  after: bigint;
  /** The last seq read; null: to the end, rows past the head included. */
  through: bigint | null;
  /** The log's start: a row at or below it lies in the archived range. */
  start: bigint;
  headAt: bigint;
}

/**
 * Streams the rows of `bounds` in seq order through `walker` (and `copy`, the SIEM receiver's
 * copy, when given) and returns the first problem: a row past the head, one in the archived
 * range, or what the walker or the copy finds. Used by the walk in one thread and by each range
 * of a parallel walk (walkWorker.ts).
 */
export async function walkRange(
  client: pg.ClientBase,
  walker: ChainWalker,
  formula: ChainFormula,
  bounds: WalkBounds,
  copy?: EventCopyCheck,
): Promise<VerifyProblem | null> {
  for await (const batch of walkRowBatches(client, bounds.after, bounds.through)) {
    for (const row of batch) {
      const seq = BigInt(row.seq);
      if (seq > bounds.headAt)
        return {
          seq: row.seq,
          problem: 'beyond_head',
          detail: `event ${row.seq} lies past the chain head (${bounds.headAt}): the chain never wrote it`,
        };
      if (seq <= bounds.start)
        return {
          seq: row.seq,
          problem: 'out_of_order',
          detail: `event ${row.seq} lies in the archived range (up to ${bounds.start}), which the archive removed from the log: it was put back, or the boundary was forged`,
        };
      const content = contentOfRow(row);
      const previous = walker.previous;
      let problem = walker.step(content, row.hash);
      if (!problem && copy) {
        problem = copy.step(content, row.hash, previous, formula);
        // The event the copy contradicts is not a verified one.
        if (problem) walker.checked -= 1;
      }
      if (problem) return problem;
    }
  }
  return null;
}
