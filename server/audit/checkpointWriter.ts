import type pg from 'pg';
import type { Services } from '../shared/services.ts';
import { loadCheckpointAnchors } from './anchors.ts';
import { GENESIS_HASH } from './chain.ts';
import { ChainWalker } from './chainWalker.ts';
import {
  type AnyCheckpointRecord,
  appendCheckpointRecord,
  type CheckpointSigner,
  checkpointDir,
  lastCheckpointRecords,
  loadCheckpointSigner,
  type RestoreRecord,
} from './checkpoints.ts';
import { sealStagedEvents } from './seal.ts';
import { verifyAuditChain } from './verify.ts';
import { errorText, type VerifyResult } from './verifyResult.ts';
import { walkRange } from './walkRange.ts';

/**
 * Transaction-level advisory lock (namespace, key) held by whoever appends to the checkpoint
 * file: the elected writer of the moment, `audit checkpoint-restore` or a key rotation. So the
 * file is one sequence even with many processes (which must share the directory).
 */
const LOCK_NAMESPACE = 7_303;
const LOCK_KEY = 1;

/** What one attempt to write a checkpoint did. */
export type CheckpointOutcome =
  | { kind: 'written'; record: AnyCheckpointRecord }
  | { kind: 'not_leader' }
  | { kind: 'not_due'; headSeq: string; lastSeq: string }
  | { kind: 'behind'; headSeq: string; lastSeq: string }
  | { kind: 'refused'; detail: string };

/**
 * Takes the checkpoint writer lock for the client's open transaction (released at its end);
 * false when another process holds it. For a caller that must commit its own transaction
 * (`audit archive`); the others use withCheckpointLock.
 */
export async function tryCheckpointLock(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    'select pg_try_advisory_xact_lock($1, $2) as ok',
    [LOCK_NAMESPACE, LOCK_KEY],
  );
  return rows[0]?.ok === true;
}

/** Runs `body` in a repeatable-read transaction holding the writer lock; null if another holds it. */
export async function withCheckpointLock<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T | null> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read');
    if (!(await tryCheckpointLock(client))) return null;
    return await body(client);
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

async function chainState(client: pg.PoolClient) {
  const head = await client.query<{ seq: string; hash: Buffer; keyless_from: string }>(
    `select h.seq::text as seq, h.hash, f.keyless_from::text as keyless_from
       from audit_chain_head h, audit_chain_formula f where h.id = 1 and f.id = 1`,
  );
  const row = head.rows[0];
  if (!row) throw new Error('the audit chain head is missing');
  return { headSeq: BigInt(row.seq), headHash: row.hash, keylessFrom: BigInt(row.keyless_from) };
}

/**
 * Writes a signed checkpoint of the chain head if one is due (`everyEvents` new events, or
 * `everySeconds` since the last one and at least one new event; `force`: any new event), as the
 * holder of the writer lock. Before signing it recomputes the events since the last checkpoint
 * from its signed hash: a head that does not follow from the signed past is never signed. A
 * database head behind the last checkpoint is reported, not signed (a restore needs
 * `audit checkpoint-restore`; otherwise it is a deleted tail).
 */
export async function writeCheckpoint(
  services: Services,
  signer: CheckpointSigner,
  options: { force?: boolean } = {},
): Promise<CheckpointOutcome> {
  const settings = services.config.audit.checkpoints;
  const dir = checkpointDir(services.config);
  // Staged events first: the signed head then covers everything committed before this moment.
  await sealStagedEvents(services.pool);
  const outcome = await withCheckpointLock<CheckpointOutcome>(services.pool, async (client) => {
    const { headSeq, headHash, keylessFrom } = await chainState(client);
    const { lastHead } = lastCheckpointRecords(dir);
    const lastSeq = BigInt(lastHead?.seq ?? '0');
    const lastHash = lastHead ? Buffer.from(lastHead.headHash, 'hex') : GENESIS_HASH;
    const state = { headSeq: headSeq.toString(), lastSeq: lastSeq.toString() };
    if (headSeq < lastSeq) return { kind: 'behind', ...state };
    if (headSeq === lastSeq) {
      if (!headHash.equals(lastHash))
        return {
          kind: 'refused',
          detail: `the chain head (${headSeq}) does not match the checkpoint signed at the same seq`,
        };
      return { kind: 'not_due', ...state };
    }
    const now = services.now();
    const age = lastHead ? now.getTime() - Date.parse(lastHead.at) : Number.POSITIVE_INFINITY;
    const due =
      options.force ||
      headSeq - lastSeq >= BigInt(settings.everyEvents) ||
      age >= settings.everySeconds * 1000;
    if (!due) return { kind: 'not_due', ...state };
    const formula = { keylessFrom, legacyKey: services.keys.audit };
    const walker = new ChainWalker(formula, new Map(), { seq: lastSeq, hash: lastHash });
    // Rows at or below lastSeq are not read, so none lies in an archived range.
    const bounds = { after: lastSeq, through: headSeq, start: lastSeq, headAt: headSeq };
    const problem = await walkRange(client, walker, formula, bounds);
    if (problem) return { kind: 'refused', detail: `event ${problem.seq}: ${problem.detail}` };
    if (walker.last !== headSeq || walker.previous !== headHash.toString('hex'))
      return {
        kind: 'refused',
        detail: `the chain head (${headSeq}) does not follow from the events after the last checkpoint (${lastSeq})`,
      };
    const record = appendCheckpointRecord(dir, signer, {
      type: 'checkpoint',
      seq: headSeq.toString(),
      headHash: headHash.toString('hex'),
      keylessFrom: keylessFrom.toString(),
      at: now.toISOString(),
    });
    return { kind: 'written', record };
  });
  return outcome ?? { kind: 'not_leader' };
}

/** The outcome of recording a restore from backup. */
export type RestoreOutcome =
  | { kind: 'recorded'; record: RestoreRecord }
  | { kind: 'refused'; detail: string; verification?: VerifyResult };

/**
 * Records a legitimate rewind (a database restored from a backup): the database head must be
 * behind the last checkpoint, equal `confirmedHead` (what the operator saw and typed), and the
 * database must match every signed checkpoint up to it — a backup is a prefix of the signed
 * history; an edited one is not, and is refused as tampering. Appends a signed `restore` record
 * naming the checkpoint it restored from; the caller writes the audit event.
 */
export async function recordRestore(
  services: Services,
  signer: CheckpointSigner,
  confirmedHead: bigint,
): Promise<RestoreOutcome> {
  const dir = checkpointDir(services.config);
  const outcome = await withCheckpointLock<RestoreOutcome>(services.pool, async (client) => {
    const { headSeq, headHash, keylessFrom } = await chainState(client);
    const checkpoints = loadCheckpointAnchors(dir);
    if (checkpoints.problem)
      return { kind: 'refused', detail: `the checkpoint file: ${checkpoints.problem.detail}` };
    if (headSeq >= checkpoints.requiredSeq)
      return {
        kind: 'refused',
        detail: `the database head (${headSeq}) is not behind the last checkpoint (${checkpoints.requiredSeq}): nothing to record`,
      };
    if (headSeq !== confirmedHead)
      return {
        kind: 'refused',
        detail: `the database head is ${headSeq}, not ${confirmedHead} as confirmed`,
      };
    const lastSeq = checkpoints.requiredSeq;
    let restoredFrom = { index: -1, seq: '0' };
    for (const [seq, anchor] of checkpoints.anchors) {
      if (seq > headSeq) checkpoints.anchors.delete(seq);
      else if (seq >= BigInt(restoredFrom.seq))
        restoredFrom = { index: anchor.index, seq: seq.toString() };
    }
    checkpoints.requiredSeq = BigInt(restoredFrom.seq);
    checkpoints.requiredIndex = restoredFrom.index;
    const verification = await verifyAuditChain(services.pool, {
      legacyKey: services.keys.audit,
      checkpoints,
    });
    if (!verification.ok)
      return {
        kind: 'refused',
        detail: `the database does not match the signed history up to its head, so this is not a clean restore: ${verification.firstProblem?.detail}`,
        verification,
      };
    const record = appendCheckpointRecord(dir, signer, {
      type: 'restore',
      seq: headSeq.toString(),
      headHash: headHash.toString('hex'),
      keylessFrom: keylessFrom.toString(),
      restoredFrom,
      lastSeq: lastSeq.toString(),
      note: `restored from checkpoint #${restoredFrom.index} (seq ${restoredFrom.seq}); database head ${headSeq}; events ${headSeq + 1n}..${lastSeq} of the earlier history are not in this database`,
      at: services.now().toISOString(),
    }) as RestoreRecord;
    return { kind: 'recorded', record };
  });
  return (
    outcome ?? {
      kind: 'refused',
      detail: 'another process is writing a checkpoint right now: try again',
    }
  );
}

/**
 * Writes checkpoints in the background: every second (or `everySeconds` if shorter) each process
 * tries to take the writer lock; the holder writes a checkpoint when one is due. Failures are
 * logged and retried; a head behind the last checkpoint is logged once per state, since only the
 * operator can tell a restore (audit checkpoint-restore) from a deleted tail.
 */
export class CheckpointWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastWarning = '';
  private signer: CheckpointSigner | null = null;
  private retryAt = 0;

  constructor(private readonly services: Services) {}

  /**
   * When the timer may try again (ms since the epoch; 0: at its next beat). A refused head
   * waits out a whole checkpoint interval: the walk from the last checkpoint to a head that does
   * not follow from it would otherwise run again every second, in every process, for as long as
   * the log stays tampered with. The refusal is logged, so nothing is hidden by waiting.
   */
  get nextAttemptAt(): number {
    return this.retryAt;
  }

  start(): void {
    if (this.timer) return;
    this.signer = loadCheckpointSigner(this.services.config);
    const every = Math.min(1000, this.services.config.audit.checkpoints.everySeconds * 1000);
    this.timer = setInterval(() => {
      if (!this.running && Date.now() >= this.retryAt)
        this.running = this.tick()
          .then(() => undefined)
          .finally(() => {
            this.running = null;
          });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One attempt (tests call it directly). */
  async tick(force = false): Promise<CheckpointOutcome | null> {
    const { logger } = this.services;
    try {
      this.signer ??= loadCheckpointSigner(this.services.config);
      const outcome = await writeCheckpoint(this.services, this.signer, { force });
      this.retryAt =
        outcome.kind === 'refused'
          ? Date.now() + this.services.config.audit.checkpoints.everySeconds * 1000
          : 0;
      if (outcome.kind === 'written') {
        this.lastWarning = '';
        if ('seq' in outcome.record)
          logger.debug({ seq: outcome.record.seq }, 'audit checkpoint written');
      } else if (outcome.kind === 'behind' || outcome.kind === 'refused') {
        const warning = JSON.stringify(outcome);
        if (warning !== this.lastWarning) {
          this.lastWarning = warning;
          if (outcome.kind === 'behind')
            logger.error(
              outcome,
              `the audit chain head (${outcome.headSeq}) is behind the last signed checkpoint (${outcome.lastSeq}): events were deleted, or the database was restored from a backup — then confirm it with: npm run cli -- audit checkpoint-restore --db-head ${outcome.headSeq}`,
            );
          else logger.error(outcome, `audit checkpoint refused: ${outcome.detail}`);
        }
      }
      return outcome;
    } catch (error) {
      logger.error({ err: error }, `writing an audit checkpoint failed: ${errorText(error)}`);
      return null;
    }
  }
}

/** Starts the checkpoint writer of this process unless configured off. */
export function startCheckpoints(services: Services): CheckpointWorker | null {
  if (!services.config.audit.checkpoints.enabled) return null;
  const worker = new CheckpointWorker(services);
  worker.start();
  return worker;
}
