import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerModuleUrl } from '../shared/workerModule.ts';
import type { Anchor } from './anchors.ts';
import type { ChainFormula, HashHex } from './chain.ts';
import type { VerifyProblem } from './verifyResult.ts';
import type { RangeOutcome, RangeTask } from './walkProtocol.ts';
import { WalkConnection, walkTask } from './walkTask.ts';

/** Where a walk got to: what verifyAuditChain reports and checks at the end. */
export interface WalkProgress {
  checked: number;
  last: bigint;
  legacyUnchecked: number;
  /** The recomputed hash of the last event walked. */
  previous: HashHex;
}

/**
 * Below this many events one thread is quicker than starting workers. On two cores the walk's
 * thread and PostgreSQL's backend already take one each, so a worker pays only once its cold
 * start is spread over a long walk: measured in fresh processes, one thread walked 200,000
 * events 22 % faster than two, 1,000,000 as fast, and 3,000,000 8 % slower (benchmarks.md,
 * session 27). With more cores a worker has one of its own; 100,000 was measured (session 8)
 * when the walk cost twice as much a row.
 */
export function parallelFrom(cores = availableParallelism()): number {
  return cores <= 2 ? 1_000_000 : 100_000;
}

/** The threads a walk may use: the machine's, up to four (one database connection each). */
export function walkThreads(): number {
  return Math.min(4, availableParallelism());
}

// Bundled into one plain module before the first worker starts (shared/workerModule.ts).
const WORKER_ENTRY = new URL('./walkWorker.ts', import.meta.url);

/**
 * Events per range: small enough that the threads finish together and that this thread's head
 * start (a worker takes a few hundred milliseconds to load) is not wasted, large enough that a
 * range's own start (a connection, the snapshot) is noise.
 */
export const RANGE_EVENTS = 20_000;

/** Hands out ranges in seq order; none after a range that found a problem. */
class RangeQueue {
  private next = 0;
  private end: number;
  readonly outcomes: (RangeOutcome | undefined)[];
  constructor(readonly tasks: readonly RangeTask[]) {
    this.end = tasks.length;
    this.outcomes = new Array(tasks.length);
  }
  /** True when every range is taken. */
  done(): boolean {
    return this.next >= this.end;
  }
  /** The index of the next range to walk, or null when none is left. */
  take(): number | null {
    return this.next < this.end ? this.next++ : null;
  }
  record(index: number, outcome: RangeOutcome): void {
    this.outcomes[index] = outcome;
    // Ranges are taken in order, so every earlier one is already being walked.
    if ((outcome.problem || outcome.error) && index + 1 < this.end) this.end = index + 1;
  }
}

/** Walks ranges in this thread until none is left. */
async function walkHere(queue: RangeQueue): Promise<void> {
  const connection = new WalkConnection();
  try {
    for (let index = queue.take(); index !== null; index = queue.take())
      queue.record(index, await walkTask(queue.tasks[index] as RangeTask, connection));
  } finally {
    await connection.close();
  }
}

/**
 * Starts a worker thread that, once loaded, walks ranges until none is left. This thread walks
 * meanwhile, so a worker that takes its time to start (the module's first bundling) costs nothing
 * but its share of the work; one that cannot start fails the walk.
 */
async function walkInWorker(queue: RangeQueue, started: Worker[]): Promise<void> {
  const url = await workerModuleUrl(WORKER_ENTRY);
  // Everything may be taken while the module was bundled: no worker to start then.
  if (queue.done()) return;
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { execArgv: [] });
    started.push(worker);
    let current: number | null = null;
    const sendNext = () => {
      current = queue.take();
      if (current === null) {
        resolve();
        void worker.terminate();
      } else worker.postMessage(queue.tasks[current]);
    };
    worker.on('message', (message: RangeOutcome | { ready: true }) => {
      if (current !== null && !('ready' in message)) queue.record(current, message);
      sendNext();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (current !== null) reject(new Error(`an audit walk worker stopped (exit code ${code})`));
    });
  });
}

/** The walk's ranges of `rangeEvents` events, in seq order. */
function rangeTasks(args: ParallelWalk): RangeTask[] {
  const span = args.headAt - args.start.seq;
  const size = args.rangeEvents;
  const count = Number((span + size - 1n) / size);
  const anchors: RangeTask['anchors'] = [...args.anchors].map(([seq, anchor]) => [
    seq.toString(),
    anchor.hash.toString('hex'),
    anchor.index,
  ]);
  const signed = [...args.anchors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Array.from({ length: count }, (_, index) => {
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
}

/** What walkInParallel walks. */
export interface ParallelWalk {
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
  /** Events per range. */
  rangeEvents: bigint;
  /** Walk nothing in this thread: `threads` workers take every range. */
  workersOnly: boolean;
}

/**
 * Walks (start, headAt] in ranges of `rangeEvents`, all in the exported `snapshot` of the
 * caller's transaction: this thread starts at once and `threads - 1` worker threads join as they
 * load, each taking the next range when done with one (one connection per thread). Every event is
 * checked against its predecessor's stored hash, and each range checks its own last hash, so the
 * ranges need nothing of each other; the first problem in seq order wins, as in a walk in one
 * thread, and no range after it is walked.
 */
export async function walkInParallel(
  args: ParallelWalk,
): Promise<{ problem: VerifyProblem | null; progress: WalkProgress }> {
  const queue = new RangeQueue(rangeTasks(args));
  const workers: Worker[] = [];
  try {
    const workerCount = args.workersOnly ? args.threads : args.threads - 1;
    await Promise.all([
      args.workersOnly ? Promise.resolve() : walkHere(queue),
      ...Array.from({ length: workerCount }, () => walkInWorker(queue, workers)),
    ]);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  let checked = 0;
  let legacyUnchecked = 0;
  for (const outcome of queue.outcomes) {
    if (!outcome) break;
    if (outcome.error) throw new Error(`verifying the audit log failed: ${outcome.error}`);
    checked += outcome.checked;
    legacyUnchecked += outcome.legacyUnchecked;
    const progress = {
      checked,
      last: BigInt(outcome.last),
      legacyUnchecked,
      previous: outcome.previous,
    };
    if (outcome.problem || outcome === queue.outcomes.at(-1))
      return { problem: outcome.problem, progress };
  }
  throw new Error('a parallel walk without ranges');
}
