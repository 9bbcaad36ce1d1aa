import { Alert, Box } from '@mui/material';
import { Show, useRecordContext, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { runErrorMessage, safetyMessage } from '../../api/problemText';
import type { SyncRunRecord } from '../../api/syncTypes';
import { Row, Section } from '../../components/Section';
import { sourceName } from '../../components/sourceName';
import { useFormat } from '../../format';
import { PlanTable } from './PlanTable';
import { RunActions } from './RunActions';
import { RunCounts } from './RunCounts';
import { RunStatusChip } from './RunStatusChip';

function Body() {
  const record = useRecordContext<SyncRunRecord>();
  const translate = useTranslate();
  const { dateTime, duration } = useFormat();
  if (!record) return null;
  const f = (field: string) => translate(`resources.sync-runs.fields.${field}`);
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }}>
      {record.status === 'awaiting_approval' && (
        <Alert severity="warning" sx={{ width: '100%' }} data-testid="awaiting-approval">
          {translate('app.sync.held', { safety: safetyMessage(translate, record) })}
        </Alert>
      )}
      {record.error && (
        <Alert severity="error" sx={{ width: '100%' }} data-testid="run-error">
          {runErrorMessage(translate, record)}
        </Alert>
      )}
      <Section title={translate('app.sync.run')}>
        <Row label={f('sourceId')}>
          <Link to={`/directory-sources/${encodeURIComponent(record.sourceId)}/show`}>
            {sourceName(record.sourceId, translate)}
          </Link>
        </Row>
        <Row label={f('mode')}>{translate(`app.sync.mode.${record.mode}`)}</Row>
        <Row label={f('status')}>
          <RunStatusChip status={record.status} />
        </Row>
        <Row label={f('requestedBy')}>{record.requestedBy}</Row>
        <Row label={f('startedAt')}>{dateTime(record.startedAt)}</Row>
        <Row label={f('finishedAt')}>{dateTime(record.finishedAt)}</Row>
        <Row label={f('durationMs')}>{duration(record.durationMs)}</Row>
        <Row label={f('safety')}>{safetyMessage(translate, record)}</Row>
        <Row label={f('approvedAt')}>{record.approvedAt && dateTime(record.approvedAt)}</Row>
      </Section>
      <Section title={f('counts')}>
        <RunCounts counts={record.counts} />
      </Section>
      <Section title={translate('app.sync.plan')} wide>
        <PlanTable runId={record.id} />
      </Section>
    </Box>
  );
}

/** A sync run: status, counts, errors, and its plan as a per-person diff; approve or cancel. */
export default function RunShow() {
  return (
    <Show actions={<RunActions />}>
      <Body />
    </Show>
  );
}
