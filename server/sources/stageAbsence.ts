import type { Queryable } from './reconcile/plan.ts';
import { consumePipelined } from './stageRead.ts';
import type { AbsenceRead, AbsentId, DeletionDetection, DirectoryRead } from './types.ts';

/** What an incremental read's absence check found (see AbsenceRead), for the plan and the run. */
export interface StagedAbsence {
  kind: AbsenceRead['kind'];
  /** Ids staged: every id in scope (`present`) or the ids gone since the cursor (`gone`). */
  ids: number;
  detection: DeletionDetection;
}

async function stageIds(db: Queryable, runId: string, ids: readonly AbsentId[]): Promise<void> {
  // One statement per page, from two arrays: cheaper than a JSON document for bare ids.
  await db.query(
    `insert into sync_absence (run_id, external_id, reason, note)
     select $1, x.id, x.reason, x.note::jsonb
       from unnest($2::text[], $3::text[], $4::text[]) as x(id, reason, note)
     on conflict (run_id, external_id) do nothing`,
    [
      runId,
      ids.map((id) => id.externalId),
      ids.map((id) => id.reason),
      ids.map((id) => (id.note ? JSON.stringify(id.note) : null)),
    ],
  );
}

/**
 * After an incremental read's pages: runs its absence check (if the reader has one) and stages
 * the ids in `sync_absence`, the next page already requested while PostgreSQL inserts one.
 * Returns null when the read has no absence check, `cancelled` when the run was cancelled
 * between pages. Any failure throws: the read is then incomplete and nobody is deactivated.
 */
export async function stageAbsence(
  db: Queryable,
  runId: string,
  read: DirectoryRead,
  cancelled: () => Promise<boolean>,
): Promise<StagedAbsence | 'cancelled' | null> {
  if (read.mode !== 'incremental' || !read.absence) return null;
  const absence = await read.absence();
  let count = 0;
  const finished = await consumePipelined(
    absence.ids,
    async (ids) => {
      await stageIds(db, runId, ids);
      count += ids.length;
    },
    cancelled,
  );
  if (!finished) return 'cancelled';
  return { kind: absence.kind, ids: count, detection: absence.detection };
}

/** Empties a run's absence ids (the plan did, or the run stopped before planning). */
export async function clearAbsence(db: Queryable, runId: string): Promise<void> {
  await db.query('delete from sync_absence where run_id = $1', [runId]);
}
