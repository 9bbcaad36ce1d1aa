import { Alert, Box, CircularProgress } from '@mui/material';
import { Show, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import type { ImportRunRecord } from '../../api/hrTypes';
import { runErrorMessage, safetyMessage } from '../../api/problemText';
import type { RunStatus } from '../../api/syncTypes';
import { Row, Section } from '../../components/Section';
import { useFormat } from '../../format';
import { PlanTable } from '../syncRuns/PlanTable';
import { RunCounts } from '../syncRuns/RunCounts';
import { RunStatusChip } from '../syncRuns/RunStatusChip';
import { ImportActions } from './ImportActions';
import { MappingEditor } from './MappingEditor';
import { RowErrors } from './RowErrors';

/** Statuses a run still moves on from by itself: the page polls while in one. */
const MOVING = new Set<RunStatus>(['running', 'applying']);

function delimiterLabel(value: string | null | undefined): string {
  if (value === undefined || value === null) return '—';
  if (value === '\t') return 'Tab';
  return `«${value}»`;
}

function StatusBanner({ record }: { record: ImportRunRecord }) {
  const translate = useTranslate();
  const { canAccess: canApprove } = useCanAccess({ action: 'approve', resource: 'sync-runs' });
  const t = (key: string, args?: Record<string, unknown>) => translate(`app.imports.${key}`, args);
  switch (record.status) {
    case 'planned':
      return <Alert severity="info">{t('banner_planned')}</Alert>;
    case 'awaiting_approval':
      return (
        <Alert severity="warning" data-testid="awaiting-approval">
          {t('banner_held', { safety: safetyMessage(translate, record) })}{' '}
          {canApprove ? t('banner_held_approve') : t('banner_held_ask')}
        </Alert>
      );
    case 'running':
    case 'applying':
      return (
        <Alert severity="info" icon={<CircularProgress size={20} />}>
          {t('banner_applying')}
        </Alert>
      );
    case 'succeeded':
      return (
        <Alert severity="success" data-testid="import-applied">
          {t(record.mode === 'dry-run' ? 'banner_previewed' : 'banner_succeeded')}
        </Alert>
      );
    case 'cancelled':
      return <Alert severity="info">{t('banner_cancelled')}</Alert>;
    case 'failed':
      return (
        <Alert severity="error">{runErrorMessage(translate, record) ?? t('banner_failed')}</Alert>
      );
    default:
      return null;
  }
}

function Body() {
  const record = useRecordContext<ImportRunRecord>();
  const translate = useTranslate();
  const { dateTime, number } = useFormat();
  if (!record) return null;
  const details = record.details ?? {};
  const t = (key: string) => translate(`app.imports.${key}`);
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }} data-testid="import-preview">
      <Box sx={{ width: '100%' }}>
        <StatusBanner record={record} />
      </Box>
      <Section title={t('file')}>
        <Row label={t('file_name')}>{details.fileName}</Row>
        <Row label={t('format')}>{details.format}</Row>
        <Row label={t('encoding')}>{details.encoding}</Row>
        <Row label={t('delimiter')}>{delimiterLabel(details.delimiter)}</Row>
        <Row label={t('rows')}>{details.rows === undefined ? null : number(details.rows)}</Row>
        <Row label={t('bytes')}>{details.bytes === undefined ? null : number(details.bytes)}</Row>
        <Row label={t('scope')}>
          {details.scope
            ? t(details.scope === 'complete' ? 'scope_complete' : 'scope_partial')
            : null}
        </Row>
        <Row label="SHA-256">
          <span style={{ fontFamily: 'monospace', fontSize: 12 }}>{details.sha256}</span>
        </Row>
      </Section>
      <Section title={translate('app.sync.run')}>
        <Row label={translate('resources.sync-runs.fields.status')}>
          <RunStatusChip status={record.status} />
        </Row>
        <Row label={translate('resources.sync-runs.fields.requestedBy')}>{record.requestedBy}</Row>
        <Row label={translate('resources.sync-runs.fields.startedAt')}>
          {dateTime(record.startedAt)}
        </Row>
        <Row label={translate('resources.sync-runs.fields.finishedAt')}>
          {dateTime(record.finishedAt)}
        </Row>
        <Row label={translate('resources.sync-runs.fields.safety')}>
          {safetyMessage(translate, record)}
        </Row>
        <Row label={translate('resources.sync-runs.fields.counts')}>
          <Box data-testid="import-counts">
            <RunCounts counts={record.counts} />
          </Box>
        </Row>
      </Section>
      <Section title={t('mapping')}>
        <MappingEditor key={record.id} record={record} />
        {(details.unmappedHeaders?.length ?? 0) > 0 && (
          <Alert severity="info" sx={{ mt: 2 }}>
            {t('unmapped')}: {details.unmappedHeaders?.join(', ')}
          </Alert>
        )}
      </Section>
      <Section title={t('row_errors')}>
        <RowErrors details={details} />
      </Section>
      <Section title={translate('app.sync.plan')} wide>
        <PlanTable
          runId={record.id}
          base="imports"
          revision={record.status}
          counts={record.counts}
        />
      </Section>
    </Box>
  );
}

function ImportTitle() {
  const record = useRecordContext<ImportRunRecord>();
  const translate = useTranslate();
  const name = record?.details?.fileName;
  return (
    <span>
      {name ? `${translate('app.imports.title')}: ${name}` : translate('app.imports.title')}
    </span>
  );
}

/**
 * An import: the detected file format, the column mapping (editable while a preview), counts,
 * rejected rows and the plan as a per-person diff; apply, discard, approve. Polls while applying.
 */
export default function ImportShow() {
  return (
    <Show
      actions={<ImportActions />}
      title={<ImportTitle />}
      queryOptions={{
        refetchInterval: (query) => {
          const status = (query.state.data as ImportRunRecord | undefined)?.status;
          return status && MOVING.has(status) ? 1000 : false;
        },
      }}
    >
      <Body />
    </Show>
  );
}
