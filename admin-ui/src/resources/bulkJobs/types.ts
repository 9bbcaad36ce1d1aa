import type { ApiResponses } from '../../api/generated/openapi';

/** What a bulk job does to each person. */
export type BulkVerb = ApiResponses['getBulkJob']['verb'];

/** Every verb, in the order the console offers them. */
export const BULK_VERBS: readonly BulkVerb[] = [
  'deactivate',
  'suspend',
  'activate',
  'invite',
  'move',
  'add_to_space',
  'remove_from_space',
];

/** Where a bulk job stands. */
export type BulkJobStatus = ApiResponses['getBulkJob']['status'];

/** Every status, for the list's filter. */
export const BULK_JOB_STATUSES: readonly BulkJobStatus[] = [
  'running',
  'done',
  'cancelled',
  'failed',
  'queued',
];

/** A bulk job as `GET /bulk-jobs` and `GET /bulk-jobs/:id` answer it (server: bulkJobView). */
export type BulkJob = ApiResponses['getBulkJob'];

/** How often a live job's progress is read again. */
export const POLL_MS = 1000;

/** Whether the job may still move (its progress is worth polling). */
export function isLive(job: Pick<BulkJob, 'status'> | null | undefined): boolean {
  return job?.status === 'running' || job?.status === 'queued';
}

/** The share of the job done, 0–100. */
export function percentOf(job: Pick<BulkJob, 'processed' | 'total'>): number {
  return job.total > 0 ? Math.round((100 * job.processed) / job.total) : 100;
}
