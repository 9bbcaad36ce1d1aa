import type { EntityManager } from '@mikro-orm/postgresql';
import type { BulkJobParams, BulkJobStatus, BulkJobView, BulkVerb } from './schemas.ts';

/** A `bulk_job` row as the code reads it. */
export interface BulkJobRow {
  id: string;
  verb: BulkVerb;
  status: BulkJobStatus;
  requested_by_id: string;
  requested_by: string;
  filter: Record<string, unknown>;
  params: BulkJobParams;
  total: number;
  processed: number;
  ok: number;
  skipped: number;
  failed: number;
  cancel_requested: boolean;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** Loads a job (optionally locked for the chunk or cancel that changes it). */
export async function loadJob(
  em: EntityManager,
  id: string,
  lock = false,
): Promise<BulkJobRow | undefined> {
  const [row] = await em.execute<BulkJobRow[]>(
    `select * from bulk_job where id = ?${lock ? ' for update' : ''}`,
    [id],
  );
  return row;
}

/** A job row as the API shows it. */
export function presentJob(row: BulkJobRow): BulkJobView {
  return {
    id: row.id,
    verb: row.verb,
    status: row.status,
    requestedBy: { id: row.requested_by_id, label: row.requested_by },
    filter: row.filter,
    params: row.params as Record<string, unknown>,
    total: row.total,
    processed: row.processed,
    ok: row.ok,
    skipped: row.skipped,
    failed: row.failed,
    cancelRequested: row.cancel_requested,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/** The counts a job's end is audited with. */
export function countsOf(row: BulkJobRow): Record<string, number | string> {
  return {
    verb: row.verb,
    total: row.total,
    processed: row.processed,
    ok: row.ok,
    skipped: row.skipped,
    failed: row.failed,
  };
}
