import type {
  AuditAction,
  AuditDiff,
  AuditEventInput,
  AuditOutcome,
} from '../../server/audit/actions.ts';
import { auditStagingSql, stagedAuditEvents } from '../../server/audit/append.ts';
import { AUDIT_ROW_COLUMNS, type AuditRow } from '../../server/audit/auditRow.ts';
import { sqlAuditStaging } from '../../server/audit/sqlEvents.ts';
import type { Actor } from '../../server/authz/actor.ts';
import type { Role } from '../../server/authz/roles.ts';
import type { Services } from '../../server/shared/services.ts';
import { createdEvents } from '../../server/sources/reconcile/apply.ts';
import { secondsSince } from '../support/stats.ts';

/** What the audit cost a sync run: staging its events and sealing them, in seconds. */
export interface AuditCost {
  events: number;
  stagingSeconds: number;
  sealSeconds: number;
  /** The floor: the same events written once, one row each, into a copy of audit_event. */
  floorSeconds: number;
}

interface FunctionTimes {
  sealMs: number;
  triggerSelfMs: number;
}

async function functionTimes(services: Services): Promise<FunctionTimes> {
  const { rows } = await services.pool.query<{ funcname: string; total: number; self: number }>(
    `select funcname, total_time as total, self_time as self from pg_stat_user_functions
      where funcname in ('audit_seal', 'audit_chain_pending')`,
  );
  const by = (name: string) => rows.find((row) => row.funcname === name);
  return {
    sealMs: by('audit_seal')?.total ?? 0,
    triggerSelfMs: by('audit_chain_pending')?.self ?? 0,
  };
}

// Backends publish function statistics at most once a second and, when idle, within 10 s.
const STATS_FLUSH_MS = 11_000;

/**
 * Measures the audit's share of a sync run. Sealing: PostgreSQL's own function timing
 * (track_functions = pl, turned on for the run) of audit_seal() and the commit trigger's own
 * time, both of which run inside the apply's commits. Staging: the run's events, read back and
 * staged again exactly as the apply did (`user.created` by the create statement's SQL, the
 * others by the same JSON building and statement, in batches of the apply's size, on one
 * connection), then rolled back, so nothing is sealed twice.
 */
export async function measureAuditCost<T>(
  services: Services,
  run: () => Promise<T>,
): Promise<{ result: T; audit: AuditCost }> {
  await services.pool.query("alter system set track_functions = 'pl'");
  await services.pool.query('select pg_reload_conf()');
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const before = await functionTimes(services);
  const head = await headSeq(services);
  const result = await run();
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const after = await functionTimes(services);
  await services.pool.query('alter system reset track_functions');
  await services.pool.query('select pg_reload_conf()');
  const stagingSeconds = await restage(services, head);
  const floorSeconds = await insertOnce(services, head);
  return {
    result,
    audit: {
      events: Number((await headSeq(services)) - head),
      stagingSeconds,
      floorSeconds,
      sealSeconds:
        (after.sealMs - before.sealMs + after.triggerSelfMs - before.triggerSelfMs) / 1000,
    },
  };
}

async function headSeq(services: Services): Promise<bigint> {
  const { rows } = await services.pool.query<{ seq: string }>(
    'select seq::text as seq from audit_chain_head where id = 1',
  );
  return BigInt(rows[0]?.seq ?? '0');
}

// The apply's create statement stages `user.created` itself (sqlAuditStaging, from the rows it
// inserted): restaged the same way, from the stored events' values.
const CREATED_ROWS = `(select e.target_id as id, e.target_label as label,
    e.details->>'externalId' as external_id, e.details->>'status' as status
   from audit_event e where e.seq > ? and e.seq <= ? and e.action = 'user.created') c
  cross join (select ?::text as source_id, ?::text as run_id) k`;

/** knex-style `?` placeholders as pg's `$n`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => {
    n += 1;
    return `$${n}`;
  });
}

/**
 * Stages the events after `head` again, batch by batch, timing only the staging: `user.created`
 * events by the SQL the apply's create statement runs, the others by the JSON path as their
 * writers do.
 */
async function restage(services: Services, head: bigint): Promise<number> {
  const batch = services.config.directorySync.applyBatchSize;
  const sql = auditStagingSql('$1');
  const client = await services.pool.connect();
  let seconds = 0;
  try {
    for (let from = head; ; from += BigInt(batch)) {
      const { rows } = await client.query<AuditRow>(
        `select ${AUDIT_ROW_COLUMNS} from audit_event e where e.seq > $1 order by e.seq limit $2`,
        [from.toString(), batch],
      );
      if (rows.length === 0) break;
      const first = rows[0] as AuditRow;
      const created = rows.find((row) => row.action === 'user.created');
      const others = rows.filter((row) => row.action !== 'user.created');
      await client.query('begin');
      const start = performance.now();
      if (created) {
        const details = created.details as { sourceId: string; runId: string };
        const staging = sqlAuditStaging(
          {
            ...createdEvents(details),
            from: CREATED_ROWS,
            fromParams: [
              from.toString(),
              (from + BigInt(batch)).toString(),
              details.sourceId,
              details.runId,
            ],
          },
          actorOf(created),
          created.at,
        );
        await client.query(numbered(staging.sql), staging.params);
      }
      // Grouped by actor as the apply's runCommand calls were (one actor per run).
      if (others.length > 0)
        await client.query(sql, [stagedAuditEvents(actorOf(first), others.map(inputOf), first.at)]);
      seconds += secondsSince(start);
      await client.query('rollback');
    }
  } finally {
    client.release();
  }
  return seconds;
}

const AUDIT_FLOOR_TABLE = 'bench_audit_floor';

/**
 * The audit's floor for the same run: its events written once, in batches of the apply's size,
 * each batch one `INSERT … SELECT` committed, into a WAL-logged copy of audit_event with all its
 * indexes (empty, as audit_event was before the run). No staging, no chaining, no hashing: what
 * any design that keeps one row per event, as auditors search them, must still write.
 */
async function insertOnce(services: Services, head: bigint): Promise<number> {
  const batch = services.config.directorySync.applyBatchSize;
  const client = await services.pool.connect();
  let seconds = 0;
  try {
    await client.query(`drop table if exists ${AUDIT_FLOOR_TABLE}`);
    await client.query(`create table ${AUDIT_FLOOR_TABLE} (like audit_event including all)`);
    const { rows } = await client.query<{ seq: string }>(
      'select max(seq)::text as seq from audit_event',
    );
    const last = BigInt(rows[0]?.seq ?? '0');
    for (let from = head; from < last; from += BigInt(batch)) {
      const start = performance.now();
      await client.query('begin');
      await client.query(
        `insert into ${AUDIT_FLOOR_TABLE} select * from audit_event where seq > $1 and seq <= $2`,
        [from.toString(), (from + BigInt(batch)).toString()],
      );
      await client.query('commit');
      seconds += secondsSince(start);
    }
    await client.query(`drop table ${AUDIT_FLOOR_TABLE}`);
  } finally {
    client.release();
  }
  return seconds;
}

function actorOf(row: AuditRow): Actor {
  return {
    kind: row.actor_id ? 'user' : 'system',
    userId: row.actor_id,
    label: row.actor_label,
    role: row.actor_role as Role | null,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
  };
}

function inputOf(row: AuditRow): AuditEventInput {
  return {
    action: row.action as AuditAction,
    outcome: row.outcome as AuditOutcome,
    targetType: row.target_type ?? undefined,
    targetId: row.target_id ?? undefined,
    targetLabel: row.target_label ?? undefined,
    reason: row.reason,
    diff: (row.diff as AuditDiff | null) ?? undefined,
    details: (row.details as Record<string, unknown> | null) ?? undefined,
  };
}
