import type pg from 'pg';
import type { AuditAction } from '../audit/actions.ts';
import { type ChainedContent, keylessHash } from '../audit/chain.ts';
import { redact } from '../audit/redact.ts';
import { auditEventFor, type HistoryCast } from './auditEvents.ts';
import { Random } from './random.ts';

/** What audit history to generate. */
export interface AuditHistoryOptions {
  count: number;
  seed?: number;
  /** Time range the events are spread over (default: the year before `to`). */
  from?: Date;
  to?: Date;
  /** Events per INSERT (default 5,000). */
  batchSize?: number;
  /** Called after each batch with the number of events written so far. */
  onProgress?: (written: number) => void;
}

/** What was generated: how many events and their sequence numbers. */
export interface AuditHistorySummary {
  count: number;
  firstSeq: string;
  lastSeq: string;
}

const INSERT_SQL = `insert into audit_event (seq, at, actor_id, actor_label, actor_role, ip, user_agent,
    request_id, action, target_type, target_id, target_label, outcome, reason, diff, details, hash)
  select r."seq"::bigint, r."at"::timestamptz, r."actorId"::uuid, r."actorLabel", r."actorRole",
    r."ip", r."userAgent", r."requestId", r."action", r."targetType", r."targetId", r."targetLabel",
    r."outcome", r."reason", r."diff", r."details", decode(r."hash", 'hex')
  from jsonb_to_recordset($1::jsonb) as r("seq" text, "at" text, "actorId" text, "actorLabel" text,
    "actorRole" text, "ip" text, "userAgent" text, "requestId" text, "action" text,
    "targetType" text, "targetId" text, "targetLabel" text, "outcome" text, "reason" text,
    "diff" jsonb, "details" jsonb, "hash" text)`;

async function loadCast(client: pg.PoolClient): Promise<HistoryCast> {
  const operators = await client.query<{ id: string; label: string; role: string }>(
    `select id::text as id, coalesce(username, display_name) as label, role from app_user
     where role is not null and status = 'active' order by created_at, id`,
  );
  const people = await client.query<{ id: string; label: string; username: string | null }>(
    'select id::text as id, display_name as label, username from app_user order by id limit 200000',
  );
  const spaces = await client.query<{ id: string; label: string }>(
    'select id::text as id, name as label from space order by id limit 10000',
  );
  return { operators: operators.rows, people: people.rows, spaces: spaces.rows };
}

/**
 * Appends `count` realistic audit events (operators viewing, changing and deactivating people,
 * logins, space changes, HR-sync updates) spread over a time range, continuing the hash chain
 * from audit_chain_head exactly as append.ts does, in batches of multi-row INSERTs, and moves the
 * head at the end; all in one transaction holding the head's lock. Every event carries
 * `details.demo = true`. Memory holds one batch (plus the people's ids and labels).
 */
export async function generateAuditHistory(
  pool: pg.Pool,
  options: AuditHistoryOptions,
): Promise<AuditHistorySummary> {
  const to = options.to ?? new Date();
  const from = options.from ?? new Date(to.getTime() - 365 * 86_400_000);
  const batchSize = options.batchSize ?? 5000;
  const rng = new Random(options.seed ?? 1121);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const head = await client.query<{ seq: string; hash: Buffer }>(
      'select seq::text as seq, hash from audit_chain_head where id = 1 for update',
    );
    const start = head.rows[0];
    if (!start) throw new Error('audit chain head is missing');
    const cast = await loadCast(client);
    if (cast.people.length === 0) throw new Error('no people to write audit history about');
    let seq = BigInt(start.seq);
    let previous = start.hash;
    const span = to.getTime() - from.getTime();
    let pending: Promise<unknown> | null = null;
    for (let done = 0; done < options.count; ) {
      const rows: (ChainedContent & { hash: string })[] = [];
      const end = Math.min(options.count, done + batchSize);
      for (; done < end; done++) {
        seq += 1n;
        const at = new Date(
          from.getTime() + Math.floor((span * (done + rng.next())) / options.count),
        );
        const { actor, event } = auditEventFor(cast, rng);
        const content: ChainedContent = {
          seq: seq.toString(),
          at: at.toISOString(),
          actorId: actor.id,
          actorLabel: actor.label,
          actorRole: actor.role,
          ip: actor.ip,
          userAgent: actor.userAgent,
          requestId: actor.ip === null ? null : requestId(rng),
          action: event.action satisfies AuditAction,
          targetType: event.targetType ?? null,
          targetId: event.targetId ?? null,
          targetLabel: event.targetLabel ?? null,
          outcome: event.outcome ?? 'success',
          reason: event.reason ?? null,
          diff: event.diff ? redact(event.diff) : null,
          details: redact({ ...event.details, demo: true }),
        };
        const hash = keylessHash(previous, content);
        rows.push({ ...content, hash: hash.toString('hex') });
        previous = hash;
      }
      const json = JSON.stringify(rows);
      if (pending) await pending;
      pending = client.query(INSERT_SQL, [json]);
      const written = done;
      pending = pending.then(() => options.onProgress?.(written));
    }
    if (pending) await pending;
    await client.query('update audit_chain_head set seq = $1, hash = $2 where id = 1', [
      seq.toString(),
      previous,
    ]);
    await client.query('commit');
    return {
      count: options.count,
      firstSeq: (BigInt(start.seq) + 1n).toString(),
      lastSeq: seq.toString(),
    };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function requestId(rng: Random): string {
  const part = () =>
    Math.floor(rng.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return `${part()}${part()}`;
}
