import { Box, LinearProgress, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useCount } from '../users/bulk/selection';
import type { BulkJob } from './types';
import { percentOf } from './types';

/**
 * A job's progress bar with "processed of total" beside it (the list's column and the show
 * page's header); the bar is labelled for screen readers and tests.
 */
export function JobProgress({ job, testId }: { job: BulkJob; testId?: string }) {
  const translate = useTranslate();
  const count = useCount();
  const percent = percentOf(job);
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 180 }}>
      <LinearProgress
        variant="determinate"
        value={percent}
        sx={{ flex: 1, height: 8, borderRadius: 1 }}
        aria-label={translate('bulkjob.progress_label')}
        data-testid={testId}
      />
      <Typography variant="body2" sx={{ whiteSpace: 'nowrap' }}>
        {translate('bulkjob.list.of', {
          processed: count(job.processed),
          total: count(job.total),
        })}
      </Typography>
    </Box>
  );
}

/** The job's counts in one line: processed, done, skipped, failed. */
export function JobCounts({ job, testId }: { job: BulkJob; testId?: string }) {
  const translate = useTranslate();
  const count = useCount();
  return (
    <Typography variant="body2" data-testid={testId}>
      {translate('bulkjob.counts', {
        processed: count(job.processed),
        total: count(job.total),
        ok: count(job.ok),
        skipped: count(job.skipped),
        failed: count(job.failed),
      })}
    </Typography>
  );
}

/** What the job does, as a noun, with its target: «Перевод в организацию «Склад»». */
export function JobTitle({ job }: { job: BulkJob }) {
  const translate = useTranslate();
  const target = job.params.organizationName ?? job.params.spaceName;
  const noun = translate(`bulkjob.noun.${job.verb}`);
  return <>{target ? `${noun} «${target}»` : noun}</>;
}

/**
 * The people filter a job was started with, in words (the list's own filter labels, codes as
 * words, ids as the names they point at now): «Организация: Склад · Статус: Активен».
 */
export function FilterSummary({ job }: { job: BulkJob }) {
  const translate = useTranslate();
  const field = (name: string) => translate(`resources.users.fields.${name}`);
  const { filter, filterNames } = job;
  const parts: string[] = [];
  if (filter.q) parts.push(`${translate('bulkjob.list.search')}: «${filter.q}»`);
  if (filter.organizationId)
    parts.push(`${field('organizationId')}: ${filterNames.organization ?? '—'}`);
  if (filter.spaceId) parts.push(`${field('spaceId')}: ${filterNames.space ?? '—'}`);
  if (filter.status) parts.push(`${field('status')}: ${translate(`app.status.${filter.status}`)}`);
  if (filter.role) parts.push(`${field('role')}: ${translate(`app.role.${filter.role}`)}`);
  if (filter.source) parts.push(`${field('source')}: ${translate(`app.source.${filter.source}`)}`);
  if (filter.invitation)
    parts.push(
      `${field('invitation')}: ${translate(`app.invitation.filter.${filter.invitation}`)}`,
    );
  if (filter.addedBy) parts.push(`${field('addedBy')}: ${filterNames.addedBy ?? '—'}`);
  return (
    <span data-testid="bulk-job-filter">
      {parts.length > 0 ? parts.join(' · ') : translate('bulkjob.list.everyone')}
    </span>
  );
}
