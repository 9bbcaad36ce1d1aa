import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useId, useState } from 'react';
import { useGetList, useLocale, useTranslate } from 'react-admin';
import { API_BASE, api, problemCode, queryString } from '../../../api/http';
import { useCount } from './selection';

/** What a bulk job does to each person. */
export type BulkVerb =
  | 'deactivate'
  | 'activate'
  | 'suspend'
  | 'invite'
  | 'move'
  | 'add_to_space'
  | 'remove_from_space';

/** A bulk job as `GET /bulk-jobs/:id` answers it. */
interface BulkJob {
  id: string;
  verb: BulkVerb;
  status: 'queued' | 'running' | 'cancelled' | 'done' | 'failed';
  total: number;
  processed: number;
  ok: number;
  skipped: number;
  failed: number;
  cancelRequested: boolean;
  error: string | null;
}

/** How often a running job's progress is read again. */
const POLL_MS = 1000;

const live = (job: BulkJob | null) => job?.status === 'running' || job?.status === 'queued';

/** Picks an organization or a space for the job (the first 500 by name). */
function TargetSelect({
  resource,
  label,
  value,
  onChange,
}: {
  resource: 'organizations' | 'spaces';
  label: string;
  value: string;
  onChange(id: string): void;
}) {
  const { data } = useGetList<{ id: string; name: string }>(resource, {
    pagination: { page: 1, perPage: 500 },
    sort: { field: 'name', order: 'ASC' },
  });
  return (
    <TextField
      select
      fullWidth
      margin="dense"
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      data-testid="bulk-job-target"
    >
      {(data ?? []).map((row) => (
        <MenuItem key={row.id} value={row.id}>
          {row.name}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * Starts a bulk job over the list's filter and shows it to its end: what the verb needs (a
 * reason, an organization, a space), then a progress bar polled every second, the counts,
 * "Stop" (the job ends at its next chunk boundary) and the per-person report as CSV.
 */
export function BulkJobDialog({
  verb,
  filter,
  matching,
  onClose,
}: {
  verb: BulkVerb;
  filter: Record<string, string>;
  matching: number;
  onClose(finished: boolean): void;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const count = useCount();
  const titleId = useId();
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<BulkJob | null>(null);

  const runningId = live(job) ? (job?.id ?? null) : null;
  useEffect(() => {
    if (!runningId) return;
    const timer = setInterval(() => {
      api<BulkJob>('GET', `/bulk-jobs/${runningId}`).then(
        (next) => setJob((seen) => (seen?.id === next.id && live(seen) ? next : seen)),
        () => {},
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [runningId]);

  const needsReason = verb === 'deactivate' || verb === 'suspend';
  const needsTarget = verb === 'move' || verb === 'add_to_space' || verb === 'remove_from_space';
  const reasonMissing = needsReason && reason.trim() === '';
  const failMessage = (caught: unknown) => {
    const code = problemCode(caught);
    const text = caught instanceof Error ? caught.message : String(caught);
    return code ? translate(`bulkjob.error.${code}`, { _: text }) : text;
  };

  const start = async () => {
    setTouched(true);
    if (reasonMissing || (needsTarget && !target)) return;
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { verb, filter };
    if (needsReason || (verb === 'activate' && reason.trim())) body.reason = reason.trim();
    if (verb === 'invite') body.locale = locale === 'en' ? 'en' : 'ru';
    if (verb === 'move') body.organizationId = target;
    if (verb === 'add_to_space' || verb === 'remove_from_space') body.spaceId = target;
    try {
      setJob(await api<BulkJob>('POST', '/bulk-jobs', body));
    } catch (caught) {
      setError(failMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    if (!job) return;
    try {
      setJob(await api<BulkJob>('POST', `/bulk-jobs/${job.id}/cancel`));
    } catch (caught) {
      setError(failMessage(caught));
    }
  };

  const percent = job && job.total > 0 ? Math.round((100 * job.processed) / job.total) : 0;
  const reportHref = job
    ? `${API_BASE}/bulk-jobs/${job.id}/report${queryString({ lang: locale === 'en' ? 'en' : 'ru' })}`
    : '';
  return (
    <Dialog
      open
      onClose={() => (live(job) ? undefined : onClose(job !== null))}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id={titleId}>{translate(`bulkjob.title.${verb}`)}</DialogTitle>
      <DialogContent data-testid="bulk-job">
        {!job && (
          <>
            <Typography sx={{ mb: 1 }}>
              {translate('bulkjob.help', { count: count(matching) })}
            </Typography>
            {verb === 'move' && (
              <TargetSelect
                resource="organizations"
                label={translate('bulkjob.organization')}
                value={target}
                onChange={setTarget}
              />
            )}
            {(verb === 'add_to_space' || verb === 'remove_from_space') && (
              <TargetSelect
                resource="spaces"
                label={translate('bulkjob.space')}
                value={target}
                onChange={setTarget}
              />
            )}
            {needsTarget && touched && !target && (
              <Typography color="error" variant="caption">
                {translate('bulkjob.choose')}
              </Typography>
            )}
            {(needsReason || verb === 'activate') && (
              <TextField
                fullWidth
                multiline
                minRows={2}
                margin="dense"
                label={translate('bulkjob.reason')}
                required={needsReason}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                error={touched && reasonMissing}
                helperText={touched && reasonMissing ? translate('bulkjob.reason_required') : ' '}
                slotProps={{ htmlInput: { 'data-testid': 'bulk-job-reason', maxLength: 1000 } }}
              />
            )}
          </>
        )}
        {job && (
          <Box>
            <LinearProgress
              variant="determinate"
              value={percent}
              sx={{ my: 1, height: 8, borderRadius: 1 }}
              aria-label={translate('bulkjob.progress_label')}
              data-testid="bulk-job-progress"
            />
            <Typography variant="body2" data-testid="bulk-job-counts">
              {translate('bulkjob.counts', {
                processed: count(job.processed),
                total: count(job.total),
                ok: count(job.ok),
                skipped: count(job.skipped),
                failed: count(job.failed),
              })}
            </Typography>
            <Typography variant="body2" sx={{ mt: 1 }} data-testid="bulk-job-status">
              {translate(`bulkjob.status.${job.status}`)}
              {live(job) && job.cancelRequested ? ` — ${translate('bulkjob.stopping')}` : ''}
            </Typography>
            {job.status === 'failed' && job.error && (
              <Alert severity="error" sx={{ mt: 1 }}>
                {job.error}
              </Alert>
            )}
          </Box>
        )}
        {error && (
          <Alert severity="error" sx={{ mt: 1 }} data-testid="bulk-job-error">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {!job && (
          <>
            <Button onClick={() => onClose(false)}>{translate('ra.action.cancel')}</Button>
            <Button
              variant="contained"
              onClick={start}
              disabled={busy}
              data-testid="bulk-job-start"
            >
              {translate('bulkjob.start')}
            </Button>
          </>
        )}
        {job && live(job) && (
          <Button onClick={stop} disabled={job.cancelRequested} data-testid="bulk-job-stop">
            {translate('bulkjob.stop')}
          </Button>
        )}
        {job && !live(job) && (
          <>
            <Button href={reportHref} download data-testid="bulk-job-report">
              {translate('bulkjob.report')}
            </Button>
            <Button variant="contained" onClick={() => onClose(true)}>
              {translate('ra.action.close')}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
