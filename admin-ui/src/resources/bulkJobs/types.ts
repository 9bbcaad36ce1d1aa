/** What a bulk job does to each person. */
export type BulkVerb =
  | 'deactivate'
  | 'activate'
  | 'suspend'
  | 'invite'
  | 'move'
  | 'add_to_space'
  | 'remove_from_space';

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
export type BulkJobStatus = 'queued' | 'running' | 'cancelled' | 'done' | 'failed';

/** Every status, for the list's filter. */
export const BULK_JOB_STATUSES: readonly BulkJobStatus[] = [
  'running',
  'done',
  'cancelled',
  'failed',
  'queued',
];

/** A bulk job as `GET /bulk-jobs` and `GET /bulk-jobs/:id` answer it (server: bulkJobView). */
export interface BulkJob {
  id: string;
  verb: BulkVerb;
  status: BulkJobStatus;
  requestedBy: { id: string; label: string; fullName: string | null };
  filter: Record<string, string>;
  filterNames: { organization: string | null; space: string | null; addedBy: string | null };
  params: {
    reason?: string | null;
    organizationName?: string;
    spaceName?: string;
  };
  total: number;
  processed: number;
  ok: number;
  skipped: number;
  failed: number;
  cancelRequested: boolean;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

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
