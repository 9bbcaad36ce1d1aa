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
import { useNavigate } from 'react-router-dom';
import { call, operationUrl } from '../../../api/call';
import type { ApiBodies } from '../../../api/generated/openapi';
import { problemCode } from '../../../api/http';
import { type BulkJob, type BulkVerb, isLive, POLL_MS, percentOf } from '../../bulkJobs/types';
import { type PeopleFilter, useCount } from './selection';

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
 * What a job of `verb` asks for: each verb with what the service takes for it (a reason, the
 * letter's language, the organization or the space), nothing else.
 */
function jobRequest(
  verb: BulkVerb,
  filter: PeopleFilter,
  input: { reason: string; locale: 'ru' | 'en'; target: string },
): ApiBodies['startBulkJob'] {
  switch (verb) {
    case 'deactivate':
    case 'suspend':
      return { verb, filter, reason: input.reason };
    case 'activate':
      return { verb, filter, ...(input.reason ? { reason: input.reason } : {}) };
    case 'invite':
      return { verb, filter, locale: input.locale };
    case 'move':
      return { verb, filter, organizationId: input.target };
    case 'add_to_space':
    case 'remove_from_space':
      return { verb, filter, spaceId: input.target };
  }
}

/**
 * Starts a bulk job over the list's filter and shows it to its end: what the verb needs (a
 * reason, an organization, a space), then a progress bar polled every second, the counts,
 * "Stop" (the job ends at its next chunk boundary) and the per-person report as CSV. The job
 * runs on when the dialog closes; the link opens it in «Массовые операции», where it stays.
 */
export function BulkJobDialog({
  verb,
  filter,
  matching,
  onClose,
}: {
  verb: BulkVerb;
  filter: PeopleFilter;
  matching: number;
  onClose(finished: boolean): void;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const count = useCount();
  const navigate = useNavigate();
  const titleId = useId();
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<BulkJob | null>(null);

  const runningId = isLive(job) ? (job?.id ?? null) : null;
  useEffect(() => {
    if (!runningId) return;
    const timer = setInterval(() => {
      call('getBulkJob', { params: { id: runningId } }).then(
        (next) => setJob((seen) => (seen?.id === next.id && isLive(seen) ? next : seen)),
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
    const body = jobRequest(verb, filter, {
      reason: reason.trim(),
      locale: locale === 'en' ? 'en' : 'ru',
      target,
    });
    try {
      setJob(await call('startBulkJob', { body }));
    } catch (caught) {
      setError(failMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    if (!job) return;
    try {
      setJob(await call('cancelBulkJob', { params: { id: job.id } }));
    } catch (caught) {
      setError(failMessage(caught));
    }
  };

  const percent = job ? percentOf(job) : 0;
  const reportHref = job
    ? operationUrl('getBulkJobReport', {
        params: { id: job.id },
        query: { lang: locale === 'en' ? 'en' : 'ru' },
      })
    : '';
  return (
    <Dialog
      open
      // A running job goes on without the dialog: «Массовые операции» shows it again.
      onClose={() => onClose(job !== null)}
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
              {isLive(job) && job.cancelRequested ? ` — ${translate('bulkjob.stopping')}` : ''}
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
        {job && (
          <Button
            onClick={() => {
              onClose(true);
              navigate(`/bulk-jobs/${job.id}/show`);
            }}
            data-testid="bulk-job-open"
          >
            {translate('bulkjob.open_jobs')}
          </Button>
        )}
        {job && isLive(job) && (
          <Button onClick={stop} disabled={job.cancelRequested} data-testid="bulk-job-stop">
            {translate('bulkjob.stop')}
          </Button>
        )}
        {job && !isLive(job) && (
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
