import { subject } from '@casl/ability';
import Download from '@mui/icons-material/Download';
import Stop from '@mui/icons-material/Stop';
import { Alert, Box, Button, Stack, Typography } from '@mui/material';
import type { Query } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Labeled,
  Show,
  type ShowProps,
  TextField,
  useLocale,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { call, operationUrl } from '../../api/call';
import { problemCode } from '../../api/http';
import { DateTime } from '../../components/DateTime';
import { PersonLink } from '../../components/PersonName';
import { useFormat } from '../../format';
import { useAbility } from '../../providers/useAbility';
import { FilterSummary, JobCounts, JobProgress, JobTitle } from './JobParts';
import { type BulkJob, isLive, POLL_MS } from './types';

/** Reads the job again every second while it runs; stops once it is over. */
const pollWhileLive: NonNullable<ShowProps['queryOptions']>['refetchInterval'] = (query) =>
  isLive((query as Query<BulkJob | undefined>).state.data) ? POLL_MS : false;

/** The page's title: what the job does and when it started. */
function JobPageTitle() {
  const job = useRecordContext<BulkJob>();
  const { dateTime } = useFormat();
  if (!job) return null;
  return (
    <span>
      <JobTitle job={job} /> — {dateTime(job.createdAt)}
    </span>
  );
}

/** "Stop" (the job ends at its next chunk boundary), for whoever may cancel the job. */
function StopButton({ job }: { job: BulkJob }) {
  const translate = useTranslate();
  const ability = useAbility();
  const refresh = useRefresh();
  const [error, setError] = useState<string | null>(null);
  if (
    !isLive(job) ||
    !ability.can('delete', subject('BulkJob', { requestedById: job.requestedBy.id }))
  )
    return null;
  const stop = async () => {
    try {
      await call('cancelBulkJob', { params: { id: job.id } });
      refresh();
    } catch (caught) {
      const code = problemCode(caught);
      const text = caught instanceof Error ? caught.message : String(caught);
      setError(code ? translate(`bulkjob.error.${code}`, { _: text }) : text);
    }
  };
  return (
    <>
      <Button
        variant="outlined"
        color="warning"
        startIcon={<Stop />}
        onClick={stop}
        disabled={job.cancelRequested}
        data-testid="bulk-job-stop"
      >
        {translate('bulkjob.stop')}
      </Button>
      {error && <Alert severity="error">{error}</Alert>}
    </>
  );
}

/** The job's details: progress, counts, status, who, on what, why, and the report. */
function JobDetails() {
  const job = useRecordContext<BulkJob>();
  const translate = useTranslate();
  const locale = useLocale();
  if (!job) return null;
  const reportHref = operationUrl('getBulkJobReport', {
    params: { id: job.id },
    query: { lang: locale === 'en' ? 'en' : 'ru' },
  });
  const field = (name: string) => `resources.bulk-jobs.fields.${name}`;
  return (
    <Stack spacing={2} sx={{ p: 2, maxWidth: 900 }} data-testid="bulk-job-show">
      <JobProgress job={job} testId="bulk-job-progress" />
      <JobCounts job={job} testId="bulk-job-counts" />
      <Typography variant="body1" data-testid="bulk-job-status">
        {translate(`bulkjob.status.${job.status}`)}
        {isLive(job) && job.cancelRequested ? ` — ${translate('bulkjob.stopping')}` : ''}
      </Typography>
      {job.status === 'failed' && job.error && (
        <Alert severity="error">{translate(`bulkjob.error.${job.error}`, { _: job.error })}</Alert>
      )}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <StopButton job={job} />
        <Button href={reportHref} download startIcon={<Download />} data-testid="bulk-job-report">
          {translate('bulkjob.report')}
        </Button>
      </Box>
      <Labeled label={field('requestedBy')}>
        <PersonLink
          person={{
            id: job.requestedBy.id,
            fullName: job.requestedBy.fullName || job.requestedBy.label,
          }}
        />
      </Labeled>
      <Labeled label={field('filter')}>
        <FilterSummary job={job} />
      </Labeled>
      {/* Labeled labels components only, not DOM elements: the values go through fields. */}
      {job.params.reason && (
        <Labeled label={field('reason')}>
          <TextField source="params.reason" />
        </Labeled>
      )}
      <Labeled label={field('createdAt')}>
        <DateTime source="createdAt" />
      </Labeled>
      <Labeled label={field('finishedAt')}>
        <DateTime source="finishedAt" />
      </Labeled>
    </Stack>
  );
}

/** One bulk job, its progress read again every second while it runs. */
export default function BulkJobShow() {
  return (
    <Show title={<JobPageTitle />} queryOptions={{ refetchInterval: pollWhileLive }}>
      <JobDetails />
    </Show>
  );
}
