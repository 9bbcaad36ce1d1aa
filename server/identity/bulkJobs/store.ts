import { subject } from '@casl/ability';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppAbility } from '../../authz/index.ts';
import { fullNameSql } from '../../directory/users/presentUser.ts';
import { notFound } from '../../shared/errors.ts';
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
  /** The requester's current «Фамилия Имя Отчество» (absent from a row an update returned). */
  requested_by_name?: string | null;
  /** Names of what the filter's ids point at, as they are now. */
  filter_organization?: string | null;
  filter_space?: string | null;
  filter_added_by?: string | null;
}

/**
 * The names a job is shown with, as scalar subqueries over the job's alias `j` (so that a
 * `for update` of the job locks no person, organization or space). The filter's ids were
 * validated as UUIDs when the job started, so the casts cannot fail.
 */
export const JOB_NAMES_SQL = `
  (select ${fullNameSql('u')} from app_user u where u.id = j.requested_by_id) as requested_by_name,
  (select o.name from organization o where o.id = (j.filter->>'organizationId')::uuid)
    as filter_organization,
  (select s.name from space s where s.id = (j.filter->>'spaceId')::uuid) as filter_space,
  (select ${fullNameSql('a')} from app_user a where a.id = (j.filter->>'addedBy')::uuid)
    as filter_added_by`;

/** Loads a job (optionally locked for the chunk or cancel that changes it). */
export async function loadJob(
  em: EntityManager,
  id: string,
  lock = false,
): Promise<BulkJobRow | undefined> {
  const [row] = await em.execute<BulkJobRow[]>(
    `select j.*, ${JOB_NAMES_SQL} from bulk_job j where j.id = ?${lock ? ' for update of j' : ''}`,
    [id],
  );
  return row;
}

/**
 * Loads a job the caller may see (its requester; superadmins and auditors any), or throws 404:
 * a job someone else started is not there for the caller, whatever it is.
 */
export async function loadVisibleJob(
  em: EntityManager,
  ability: AppAbility,
  id: string,
  lock = false,
): Promise<BulkJobRow> {
  const job = await loadJob(em, id, lock);
  if (!job || !ability.can('read', subject('BulkJob', { requestedById: job.requested_by_id })))
    throw notFound('Bulk job');
  return job;
}

/** A job row as the API shows it. */
export function presentJob(row: BulkJobRow): BulkJobView {
  return {
    id: row.id,
    verb: row.verb,
    status: row.status,
    requestedBy: {
      id: row.requested_by_id,
      label: row.requested_by,
      fullName: row.requested_by_name ?? null,
    },
    filter: row.filter,
    filterNames: {
      organization: row.filter_organization ?? null,
      space: row.filter_space ?? null,
      addedBy: row.filter_added_by ?? null,
    },
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
