import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { type ChainedContent, chainHash, GENESIS_HASH } from './chain.ts';

/** A stored audit row as read for verification and export. */
export interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  details: unknown;
  hash: Buffer;
}

/** The column list matching AuditRow. */
export const AUDIT_ROW_COLUMNS = `seq::text as seq, at, actor_id, actor_label, actor_role, ip, user_agent,
  request_id, action, target_type, target_id, target_label, outcome, reason, diff, details, hash`;

/** The content an audit row's hash covers. */
export function contentOfRow(row: AuditRow): ChainedContent {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    actorRole: row.actor_role,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabel: row.target_label,
    outcome: row.outcome,
    reason: row.reason,
    diff: row.diff,
    details: row.details,
  };
}

/** The outcome of walking the chain. */
export interface VerifyResult {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** The sequence number of the chain head. */
  headSeq: string;
  /** The first broken or missing link, if any. */
  firstProblem: null | {
    seq: string;
    problem: 'missing' | 'hash_mismatch' | 'head_mismatch';
    detail: string;
  };
}

/**
 * Walks the whole chain in one consistent snapshot, recomputing every hash, and reports the first
 * event that was edited (hash mismatch) or deleted (missing sequence number).
 */
export async function verifyAuditChain(pool: pg.Pool, key: Buffer): Promise<VerifyResult> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const head = await client.query<{ seq: string; hash: Buffer }>(
      'select seq::text as seq, hash from audit_chain_head where id = 1',
    );
    const headSeq = head.rows[0]?.seq ?? '0';
    const stream = client.query(
      // Qualified: a bare `seq` in ORDER BY is the text output column (1, 10, 100, 2, ...).
      new QueryStream(`select ${AUDIT_ROW_COLUMNS} from audit_event e order by e.seq`, [], {
        batchSize: 2000,
      }),
    );
    let expected = 1n;
    let previous: Buffer = GENESIS_HASH;
    let checked = 0;
    const result = (firstProblem: VerifyResult['firstProblem']): VerifyResult => ({
      ok: firstProblem === null,
      checked,
      headSeq,
      firstProblem,
    });
    for await (const raw of stream) {
      const row = raw as AuditRow;
      const seq = BigInt(row.seq);
      if (seq !== expected) {
        stream.destroy();
        return result({
          seq: expected.toString(),
          problem: 'missing',
          detail: `event ${expected} is missing (next present: ${seq})`,
        });
      }
      const recomputed = chainHash(key, previous, contentOfRow(row));
      if (!recomputed.equals(row.hash)) {
        stream.destroy();
        return result({
          seq: row.seq,
          problem: 'hash_mismatch',
          detail: `event ${row.seq} does not match its hash: it or its predecessor was altered`,
        });
      }
      previous = row.hash;
      expected += 1n;
      checked += 1;
    }
    const last = (expected - 1n).toString();
    if (last !== headSeq) {
      return result({
        seq: expected.toString(),
        problem: 'missing',
        detail: `the chain head is at ${headSeq} but the log ends at ${last}`,
      });
    }
    if (!previous.equals(head.rows[0]?.hash ?? GENESIS_HASH)) {
      return result({
        seq: headSeq,
        problem: 'head_mismatch',
        detail: 'the chain head hash does not match the last event',
      });
    }
    return result(null);
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}
