import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Anchor } from './anchors.ts';
import type { ChainFormula } from './chain.ts';
import type { VerifyProblem } from './verifyResult.ts';
import type { RangeOutcome, RangeTask } from './walkProtocol.ts';

/** Where a walk got to: what verifyAuditChain reports and checks at the end. */
export interface WalkProgress {
  checked: number;
  last: bigint;
  legacyUnchecked: number;
  /** The recomputed hash of the last event walked. */
  previous: Buffer;
}

/** Below this many events one thread is quicker than starting workers. */
export const PARALLEL_FROM = 100_000;

/** The threads a walk may use: the machine's, up to four (one database connection each). */
export function walkThreads(): number {
  return Math.min(4, availableParallelism());
}

// A .mjs bootstrap registers tsx in the worker, then loads walkWorker.ts.
const WORKER_URL = new URL('./walkWorker.mjs', import.meta.url);

function runRange(task: RangeTask): Promise<RangeOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { execArgv: [], workerData: task });
    let answered = false;
    worker.once('message', (outcome: RangeOutcome) => {
      answered = true;
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`an audit walk worker stopped (exit code ${code})`));
    });
  });
}

/**
 * Walks (start, headAt] in `threads` ranges at once, one worker thread and one connection each,
 * all in the exported `snapshot` of the caller's transaction. Every event is checked against its
 * predecessor's stored hash, and each range checks its own last hash, so the ranges need nothing
 * of each other; the first problem in seq order wins, as in a walk in one thread.
 */
export async function walkInParallel(args: {
  url: string;
  snapshot: string;
  formula: ChainFormula;
  anchors: Map<bigint, Anchor>;
  start: { seq: bigint; hash: Buffer };
  /** The first range reads rows above this ('-1' from the log's start). */
  after: bigint;
  logStart: bigint;
  headAt: bigint;
  threads: number;
}): Promise<{ problem: VerifyProblem | null; progress: WalkProgress }> {
  const span = args.headAt - args.start.seq;
  const size = (span + BigInt(args.threads) - 1n) / BigInt(args.threads);
  // Fewer ranges than threads when the log is short: no range starts past the head.
  const count = Number((span + size - 1n) / size);
  const anchors: RangeTask['anchors'] = [...args.anchors].map(([seq, anchor]) => [
    seq.toString(),
    anchor.hash.toString('hex'),
    anchor.index,
  ]);
  const signed = [...args.anchors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tasks: RangeTask[] = Array.from({ length: count }, (_, index) => {
    const from = args.start.seq + BigInt(index) * size;
    const last = index === count - 1;
    const lastAnchor = signed.findLast((seq) => seq <= from && seq > args.start.seq);
    return {
      url: args.url,
      snapshot: args.snapshot,
      keylessFrom: args.formula.keylessFrom.toString(),
      legacyKey: args.formula.legacyKey ? new Uint8Array(args.formula.legacyKey) : null,
      anchors,
      from: from.toString(),
      // The last range reads to the end: rows past the head are its to report.
      through: last ? null : (from + size).toString(),
      lastAnchor: (lastAnchor ?? args.start.seq).toString(),
      startHash: index === 0 ? args.start.hash.toString('hex') : null,
      after: (index === 0 ? args.after : from).toString(),
      start: args.logStart.toString(),
      headAt: args.headAt.toString(),
    };
  });
  const outcomes = await Promise.all(tasks.map(runRange));
  let checked = 0;
  let legacyUnchecked = 0;
  for (const outcome of outcomes) {
    if (outcome.error) throw new Error(`verifying the audit log failed: ${outcome.error}`);
    checked += outcome.checked;
    legacyUnchecked += outcome.legacyUnchecked;
    const progress = {
      checked,
      last: BigInt(outcome.last),
      legacyUnchecked,
      previous: Buffer.from(outcome.previous, 'hex'),
    };
    if (outcome.problem || outcome === outcomes.at(-1))
      return { problem: outcome.problem, progress };
  }
  throw new Error('a parallel walk without ranges');
}
