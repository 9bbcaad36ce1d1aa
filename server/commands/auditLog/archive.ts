import { existsSync } from 'node:fs';
import type pg from 'pg';
import { loadCheckpointAnchors } from '../../audit/anchors.ts';
import { stageAuditEvents } from '../../audit/append.ts';
import {
  type ArchiveRecord,
  appendCheckpointRecord,
  type CheckpointSigner,
  checkpointDir,
} from '../../audit/checkpoints.ts';
import { tryCheckpointLock } from '../../audit/checkpointWriter.ts';
import { verifyAuditChain } from '../../audit/verify.ts';
import { systemActor } from '../../authz/actor.ts';
import { openRawPool } from '../../db/rawPool.ts';
import type { Services } from '../../shared/services.ts';
import { writeArchiveBundle } from './archiveBundle.ts';

/** What `audit archive` did, or why it did nothing. */
export type ArchiveOutcome =
  | { kind: 'archived'; record: ArchiveRecord; events: number; backfilled: boolean }
  | { kind: 'nothing'; detail: string }
  /** usage: the request itself; state: not now (no checkpoint, locked); broken: the log. */
  | { kind: 'refused'; reason: 'usage' | 'state' | 'broken'; detail: string };

/** What to archive and how. */
export interface ArchiveRequest {
  /** `YYYY-MM`: every month before it (UTC calendar months). */
  before: string;
  /** The bundle file to write; never overwritten. */
  out: string;
  /** The owner role's connection: only it may remove audit events. */
  ownerUrl: string;
  signer: CheckpointSigner;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const refused = (reason: 'usage' | 'state' | 'broken', detail: string): ArchiveOutcome => ({
  kind: 'refused',
  reason,
  detail,
});

/** The first instant of `before` (UTC), or why it is refused: it must not reach this month. */
export function archiveCutoff(before: string, now: Date): Date | string {
  const match = MONTH.exec(before);
  if (!match) return `--before must be a month as YYYY-MM, not "${before}"`;
  const cutoff = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  const current = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  if (cutoff > current)
    return `--before ${before} would archive the current month (${monthOf(current)}): it is still being written; the latest is --before ${monthOf(current)}`;
  return cutoff;
}

/**
 * `audit archive --before YYYY-MM --out FILE` (docs/audit.md "Archiving old months"): moves the
 * oldest events, those of the months before `before`, out of the database without breaking the
 * chain. Holding the checkpoint writer lock in the owner's transaction, it verifies the whole
 * chain against the signed checkpoints, makes sure a signed checkpoint stands at the last archived
 * event, writes the events as an export bundle (which must then verify offline on its own),
 * appends a signed archive record naming the bundle's SHA-256, and only then deletes the events
 * through audit_archive_through() and records `audit.archived` in the same transaction. A
 * failure before the delete deletes nothing; one after the record leaves a signed archive of
 * events still in the database, which verification accepts and a new run completes.
 */
export async function archiveAuditEvents(
  services: Services,
  request: ArchiveRequest,
): Promise<ArchiveOutcome> {
  const cutoff = archiveCutoff(request.before, services.now());
  if (typeof cutoff === 'string') return refused('usage', cutoff);
  if (existsSync(request.out))
    return refused('usage', `${request.out} exists: an archive never overwrites a file`);
  const owner = openRawPool(request.ownerUrl, services.logger, 1);
  try {
    const client = await owner.connect();
    let done = false;
    try {
      await client.query('begin');
      if (!(await tryCheckpointLock(client)))
        return refused('state', 'a checkpoint is being written right now: try again');
      const outcome = await archiveLocked(services, request, client, cutoff);
      if (outcome.kind === 'archived') {
        await client.query('commit');
        done = true;
      }
      return outcome;
    } finally {
      if (!done) await client.query('rollback').catch(() => undefined);
      client.release();
    }
  } finally {
    await owner.end();
  }
}

async function archiveLocked(
  services: Services,
  { before, out, signer }: ArchiveRequest,
  client: pg.PoolClient,
  cutoff: Date,
): Promise<ArchiveOutcome> {
  const dir = checkpointDir(services.config);
  // Checked first, so that a wrong role writes no bundle and signs nothing in vain.
  const rights = await client.query<{ ok: boolean; role: string }>(
    `select has_function_privilege('audit_archive_through(bigint, bytea, bytea)', 'EXECUTE')
            and has_table_privilege('audit_event', 'DELETE') as ok, current_user as role`,
  );
  if (!rights.rows[0]?.ok)
    return refused(
      'state',
      `the role ${rights.rows[0]?.role} of DATABASE_OWNER_URL may not remove audit events: it must be the owner role that runs the migrations`,
    );
  const state = await client.query<{ head: string; keyless_from: string; boundary: string }>(
    `select h.seq::text as head, f.keyless_from::text as keyless_from,
            (select coalesce(max(through_seq), 0)::text from audit_archive) as boundary
       from audit_chain_head h, audit_chain_formula f where h.id = 1 and f.id = 1`,
  );
  const row = state.rows[0];
  if (!row) return refused('broken', 'the audit chain head is missing');
  const boundary = BigInt(row.boundary);
  // A prefix of the chain: it ends before the first event of `before`, so an event committed
  // out of time order around midnight stays in the log rather than leave a gap.
  const firstKept = await client.query<{ seq: string }>(
    'select e.seq::text as seq from audit_event e where e.seq > $1 and e.at >= $2 order by e.seq limit 1',
    [boundary.toString(), cutoff.toISOString()],
  );
  const through = firstKept.rows[0] ? BigInt(firstKept.rows[0].seq) - 1n : BigInt(row.head);
  if (through <= boundary)
    return {
      kind: 'nothing',
      detail: `no event before ${before} is left in the log (it starts after seq ${boundary})`,
    };
  const checkpoints = loadCheckpointAnchors(dir);
  if (checkpoints.problem?.problem === 'unreadable')
    return refused('state', `no signed checkpoint to archive under: ${checkpoints.problem.detail}`);
  if (checkpoints.problem) return refused('broken', checkpoints.problem.detail);
  if (through > checkpoints.requiredSeq)
    return refused(
      'state',
      `the events before ${before} (up to seq ${through}) are not all under a signed checkpoint: the last one signs seq ${checkpoints.requiredSeq}. Wait for the next checkpoint (or run audit checkpoint) and try again`,
    );
  const verified = await verifyAuditChain(services.pool, {
    legacyKey: services.keys.audit,
    checkpoints,
  });
  if (!verified.ok) {
    const problem = verified.firstProblem;
    return refused(
      'broken',
      `the audit log does not verify, so nothing is archived: event ${problem?.seq} (${problem?.problem}): ${problem?.detail}`,
    );
  }
  const hashed = await client.query<{ hash: Buffer }>(
    'select hash from audit_event where seq = $1',
    [through.toString()],
  );
  const hash = hashed.rows[0]?.hash;
  if (!hash) return refused('broken', `event ${through} is not in the log`);
  const headHash = hash.toString('hex');
  const now = () => services.now().toISOString();
  // The bundle must close on a signed checkpoint of its own last event: sign one unless there is.
  const backfilled = !checkpoints.anchors.has(through);
  if (backfilled)
    appendCheckpointRecord(dir, signer, {
      type: 'checkpoint',
      backfill: true,
      seq: through.toString(),
      headHash,
      keylessFrom: row.keyless_from,
      at: now(),
    });
  const bundle = await writeArchiveBundle(services.pool, dir, { after: boundary, through }, out);
  if ('problem' in bundle) return refused('broken', bundle.problem);
  const bundleSha256 = bundle.sha256;
  const fromSeq = (boundary + 1n).toString();
  const record = appendCheckpointRecord(dir, signer, {
    type: 'archive',
    fromSeq,
    seq: through.toString(),
    headHash,
    bundleSha256,
    note: `events ${fromSeq}..${through} (before ${before}) archived to a bundle with SHA-256 ${bundleSha256}; the chain continues from the hash of event ${through}`,
    at: now(),
  }) as ArchiveRecord;
  const deleted = await client.query<{ n: string }>(
    'select audit_archive_through($1::bigint, $2::bytea, $3::bytea)::text as n',
    [through.toString(), hash, Buffer.from(bundleSha256, 'hex')],
  );
  const events = Number(deleted.rows[0]?.n ?? 0);
  const event = {
    action: 'audit.archived' as const,
    targetType: 'AuditArchive',
    targetId: String(record.index),
    reason: record.note,
    details: {
      before,
      fromSeq,
      throughSeq: record.seq,
      headHash,
      bundleSha256,
      bundle: out,
      events,
      backfilled,
    },
  };
  await stageAuditEvents(client, systemActor('cli'), [event], services.now());
  return { kind: 'archived', record, events, backfilled };
}
