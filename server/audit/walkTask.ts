import pg from 'pg';
import { ChainWalker } from './chainWalker.ts';
import { errorText, type VerifyProblem } from './verifyResult.ts';
import type { RangeOutcome, RangeTask } from './walkProtocol.ts';
import { walkRange } from './walkRange.ts';

/**
 * One thread's connection for the ranges it walks: opened by the first, kept for the next ones.
 * A connection per range paid a start-up and an authentication for every range of events; now
 * each range only starts and ends a transaction in the walk's snapshot.
 */
export class WalkConnection {
  private client: Promise<pg.Client> | null = null;

  /** The open connection to `url`, opening it first when there is none. */
  open(url: string): Promise<pg.Client> {
    this.client ??= connect(url);
    return this.client.catch((error: unknown) => {
      this.client = null;
      throw error;
    });
  }

  /** Closes the connection; the next range opens a new one. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.then((open) => open.end()).catch(() => undefined);
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client(url);
  // A connection lost between statements (a PostgreSQL restart) is emitted on the client; the
  // walk's next statement rejects with it, so the listener only keeps it from ending the thread.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Walks one range of the chain in the snapshot of the walk that started it and answers a
 * RangeOutcome (in a worker thread, or in the walk's own thread). Its first event links to
 * `startHash`, or to the stored hash of event `from` (the range before checks that hash was
 * recomputed correctly, so each link is checked exactly once).
 */
async function walk(task: RangeTask, connection: WalkConnection): Promise<RangeOutcome> {
  const client = await connection.open(task.url);
  let failed = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`set transaction snapshot '${task.snapshot.replace(/[^0-9A-F-]/gi, '')}'`);
    const from = BigInt(task.from);
    let startHash: Buffer | null = task.startHash ? Buffer.from(task.startHash, 'hex') : null;
    if (!startHash) {
      const { rows } = await client.query<{ hash: Buffer }>(
        'select hash from audit_event where seq = $1',
        [task.from],
      );
      startHash = rows[0]?.hash ?? null;
    }
    const formula = {
      keylessFrom: BigInt(task.keylessFrom),
      legacyKey: task.legacyKey ? Buffer.from(task.legacyKey) : null,
    };
    const anchors = new Map(
      task.anchors.map(([seq, hash, index]) => [
        BigInt(seq),
        { hash: Buffer.from(hash, 'hex'), index },
      ]),
    );
    const walker = new ChainWalker(
      formula,
      anchors,
      { seq: from, hash: startHash ?? Buffer.alloc(32) },
      BigInt(task.lastAnchor),
    );
    const outcome = (problem: VerifyProblem | null): RangeOutcome => ({
      problem,
      checked: walker.checked,
      legacyUnchecked: walker.legacyUnchecked,
      last: walker.last.toString(),
      previous: walker.previous,
    });
    if (!startHash)
      return outcome({
        seq: task.from,
        problem: 'missing',
        detail: `event ${task.from} is missing`,
      });
    const through = task.through === null ? null : BigInt(task.through);
    const problem = await walkRange(client, walker, formula, {
      after: BigInt(task.after),
      through,
      start: BigInt(task.start),
      headAt: BigInt(task.headAt),
    });
    if (problem) return outcome(problem);
    // A range that ends early: the next range starts after its end, so nobody else would see it.
    // Worded as a walk in one thread words it.
    if (through !== null && walker.last < through) {
      const { rows } = await client.query<{ next: string | null }>(
        'select min(seq)::text as next from audit_event where seq > $1',
        [walker.last.toString()],
      );
      const next = rows[0]?.next ?? null;
      return outcome({
        seq: (walker.last + 1n).toString(),
        problem: 'missing',
        detail:
          next === null
            ? `the chain head is at ${task.headAt} but the log ends at ${walker.last}`
            : `event ${walker.last + 1n} is missing (next present: ${next})`,
      });
    }
    return outcome(null);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // The next range starts its own transaction on this connection. A statement queues behind
    // the walk's last COPY, whose data may end before the statement does: the rollback also
    // waits for that. A connection that failed is not used again.
    if (failed || !(await rolledBack(client))) await connection.close();
  }
}

/** Whether the transaction was rolled back, leaving the connection ready for the next range. */
async function rolledBack(client: pg.Client): Promise<boolean> {
  try {
    await client.query('rollback');
    return true;
  } catch {
    return false;
  }
}

/**
 * Walks one range on the thread's connection and answers its outcome; a failure of the walk
 * itself (a lost connection) becomes the outcome's `error`, so the walk fails rather than
 * reporting the log.
 */
export function walkTask(task: RangeTask, connection: WalkConnection): Promise<RangeOutcome> {
  return walk(task, connection).catch(
    (error: unknown): RangeOutcome => ({
      problem: null,
      checked: 0,
      legacyUnchecked: 0,
      last: '0',
      previous: '',
      error: errorText(error),
    }),
  );
}
