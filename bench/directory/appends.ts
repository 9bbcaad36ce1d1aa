import pg from 'pg';
import { auditStagingSql, stageAuditEvents, stagedAuditEvents } from '../../server/audit/append.ts';
import { checkpointDir, loadCheckpointSigner } from '../../server/audit/checkpoints.ts';
import { writeCheckpoint } from '../../server/audit/checkpointWriter.ts';
import { sealStagedEvents } from '../../server/audit/seal.ts';
import { loadCheckpointAnchors, verifyAuditChain } from '../../server/audit/verify.ts';
import { systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import type { Services } from '../../server/shared/services.ts';
import { secondsSince } from '../support/stats.ts';

/** How one run appends: the product, raw SQL through the same staging, or the floor. */
export type AppendMode = 'product' | 'staging' | 'floor' | 'floor-tx';

/** Throughput of concurrent audit appends. */
export interface AppendResult {
  label: string;
  mode: AppendMode;
  writers: number;
  events: number;
  /** Events sealed into the chain by the run (product and staging): must equal `events`. */
  sealed: number | null;
  seconds: number;
  perSecond: number;
}

/** The whole-chain verification after the appends. */
export interface VerifyTiming {
  ok: boolean;
  checked: number;
  seconds: number;
  problem: string | null;
}

type Target = { id: string; label: string };

// The floor's table: audit_event's columns, constraints and all five of its indexes, logged.
const FLOOR_TABLE = 'bench_plain_event';

async function prepareFloor(pool: pg.Pool): Promise<void> {
  await pool.query(`drop table if exists ${FLOOR_TABLE}`);
  await pool.query(`create table ${FLOOR_TABLE} (like audit_event including all)`);
  await pool.query(`alter table ${FLOOR_TABLE} alter column seq add generated always as identity`);
}

/** BEGIN, `work`, COMMIT on a client of its own. */
async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<unknown>) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await work(client);
    await client.query('commit');
  } finally {
    client.release();
  }
}

/** One append of `mode` for `target`, as one transaction. */
function appender(services: Services, pool: pg.Pool, mode: AppendMode, writer: number) {
  const actor = systemActor(`bench-writer-${writer + 1}`);
  const event = (target: Target | undefined) => ({
    action: 'user.viewed' as const,
    targetType: 'user',
    targetId: target?.id,
    targetLabel: target?.label,
  });
  const staging = auditStagingSql('$1');
  if (mode === 'product')
    return (target: Target | undefined) =>
      runCommand(services, actor, async (ctx) => {
        ctx.audit(event(target));
      });
  if (mode === 'staging')
    return (target: Target | undefined) =>
      inTransaction(pool, (client) =>
        client.query(staging, [stagedAuditEvents(actor, [event(target)], new Date())]),
      );
  const insert = (db: Pick<pg.ClientBase, 'query'>, target: Target | undefined) =>
    db.query(
      `insert into ${FLOOR_TABLE} (at, actor_label, action, target_type, target_id, target_label,
         outcome, hash) values (now(), $1, 'user.viewed', 'user', $2, $3, 'success', $4)`,
      [actor.label, target?.id ?? null, target?.label ?? null, Buffer.alloc(32, writer)],
    );
  // The same insert as a transaction of its own, with the round trips an audited command has.
  if (mode === 'floor-tx')
    return (target: Target | undefined) => inTransaction(pool, (client) => insert(client, target));
  // The plainest fast way: one autocommit INSERT of the same row, hash included.
  return async (target: Target | undefined) => {
    await insert(pool, target);
  };
}
/**
 * `writers` async loops appending one event per transaction for `seconds`: through runCommand
 * (`product`: the ORM pool, ctx.audit, the staging statement, the commit-time seal), through raw
 * SQL on a pg pool of `writers` connections (`staging`: the same statement and trigger, without
 * the ORM), or as the floor: a one-row INSERT into a copy of audit_event with its indexes, on a
 * pool of the same size, autocommit (`floor`) or as BEGIN, INSERT, COMMIT (`floor-tx`: the round
 * trips of an audited command). For product and staging the clock stops only once the
 * events the busy chain left staged are sealed too.
 */
export async function measureAppends(
  services: Services,
  targets: readonly Target[],
  options: { label: string; mode: AppendMode; writers: number; seconds: number },
): Promise<AppendResult> {
  process.stderr.write(`audit appends: ${options.label}…\n`);
  const url = services.config.database.url;
  if (!url) throw new Error('the benchmark needs database.url');
  const pool = new pg.Pool({ connectionString: url, max: options.writers });
  try {
    const floor = options.mode === 'floor' || options.mode === 'floor-tx';
    if (floor) await prepareFloor(pool);
    const headBefore = await headSeq(pool);
    const deadline = performance.now() + options.seconds * 1000;
    const start = performance.now();
    const counts = await Promise.all(
      Array.from({ length: options.writers }, async (_, writer) => {
        const append = appender(services, pool, options.mode, writer);
        let written = 0;
        while (performance.now() < deadline) {
          await append(targets[(writer * 7919 + written) % targets.length]);
          written += 1;
        }
        return written;
      }),
    );
    if (!floor) await sealStagedEvents(pool);
    const seconds = secondsSince(start);
    const events = counts.reduce((sum, n) => sum + n, 0);
    const sealed = floor ? null : Number((await headSeq(pool)) - headBefore);
    if (floor) await pool.query(`drop table ${FLOOR_TABLE}`);
    return {
      label: options.label,
      mode: options.mode,
      writers: options.writers,
      events,
      sealed,
      seconds,
      perSecond: events / seconds,
    };
  } finally {
    await pool.end();
  }
}

async function headSeq(pool: pg.Pool): Promise<bigint> {
  const { rows } = await pool.query<{ seq: string }>(
    'select seq::text as seq from audit_chain_head where id = 1',
  );
  return BigInt(rows[0]?.seq ?? '0');
}

/** verifyAuditChain over the whole chain, timed. */
export async function timeVerify(services: Services): Promise<VerifyTiming> {
  process.stderr.write('verify…\n');
  const start = performance.now();
  const verified = await verifyAuditChain(services.pool, { legacyKey: services.keys.audit });
  return {
    ok: verified.ok,
    checked: verified.checked,
    seconds: secondsSince(start),
    problem: verified.firstProblem?.detail ?? null,
  };
}

/** Sealing in bulk and verification from the last signed checkpoint. */
export interface TailTiming {
  /** Signing a checkpoint at the head (recomputes everything since the previous one). */
  checkpointSeconds: number;
  events: number;
  stagingSeconds: number;
  /** The commits of the staging transactions, each sealing its own batch. */
  sealSeconds: number;
  verify: VerifyTiming;
}

const TAIL_BATCH = 5_000;

/**
 * Signs a checkpoint at the head, then stages `events` events in transactions of 5,000 (as a
 * sync's apply batches do: one staging statement each, sealed by its COMMIT), then verifies
 * with `--since-checkpoint`: the events after the signed one, recomputed one by one.
 */
export async function measureTail(services: Services, events: number): Promise<TailTiming> {
  process.stderr.write('checkpoint at the head…\n');
  let start = performance.now();
  const outcome = await writeCheckpoint(services, loadCheckpointSigner(services.config), {
    force: true,
  });
  if (outcome.kind !== 'written' && outcome.kind !== 'not_due')
    throw new Error(`no checkpoint: ${JSON.stringify(outcome)}`);
  const checkpointSeconds = secondsSince(start);
  process.stderr.write(`staging and sealing ${events} events…\n`);
  const actor = systemActor('bench-tail');
  let stagingSeconds = 0;
  let sealSeconds = 0;
  const client = await services.pool.connect();
  try {
    for (let done = 0; done < events; done += TAIL_BATCH) {
      const batch = Array.from({ length: Math.min(TAIL_BATCH, events - done) }, (_, i) => ({
        action: 'user.updated' as const,
        targetType: 'user',
        targetId: `00000000-0000-4000-8000-${String(done + i).padStart(12, '0')}`,
        targetLabel: `Сотрудник ${done + i}`,
        diff: { before: { title: 'Инженер' }, after: { title: 'Ведущий инженер' } },
      }));
      await client.query('begin');
      start = performance.now();
      await stageAuditEvents(client, actor, batch, new Date());
      stagingSeconds += secondsSince(start);
      start = performance.now();
      await client.query('commit');
      sealSeconds += secondsSince(start);
    }
  } finally {
    client.release();
  }
  process.stderr.write('verify since the last checkpoint…\n');
  start = performance.now();
  const verified = await verifyAuditChain(services.pool, {
    legacyKey: services.keys.audit,
    checkpoints: loadCheckpointAnchors(checkpointDir(services.config)),
    sinceLastCheckpoint: true,
  });
  return {
    checkpointSeconds,
    events,
    stagingSeconds,
    sealSeconds,
    verify: {
      ok: verified.ok,
      checked: verified.checked,
      seconds: secondsSince(start),
      problem: verified.firstProblem?.detail ?? null,
    },
  };
}
