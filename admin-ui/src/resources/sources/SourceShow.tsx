import { Alert, AlertTitle, Box } from '@mui/material';
import {
  EditButton,
  Pagination,
  ReferenceManyField,
  Show,
  TopToolbar,
  useCanAccess,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import type { DirectorySourceRecord } from '../../api/syncTypes';
import { Row, Section } from '../../components/Section';
import { useFormat } from '../../format';
import { RunGrid } from '../syncRuns/RunGrid';
import { ConnectionTestButton } from './ConnectionTestButton';
import { DeleteSourceButton } from './DeleteSourceButton';
import { SyncButtons } from './SyncButtons';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Body() {
  const record = useRecordContext<DirectorySourceRecord>();
  const translate = useTranslate();
  const { dateTime } = useFormat();
  if (!record) return null;
  const f = (field: string) => translate(`resources.directory-sources.fields.${field}`);
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }}>
      {record.origin === 'config' && (
        <Alert severity="info" sx={{ width: '100%' }} data-testid="config-source">
          <AlertTitle>{translate('app.sources.config_note')}</AlertTitle>
          {translate('app.sync.config_read_only')}
        </Alert>
      )}
      <Section title={record.name}>
        <Row label={f('id')}>{record.id}</Row>
        <Row label={f('kind')}>{translate(`app.sync.kind.${record.kind}`)}</Row>
        <Row label={f('origin')}>{translate(`app.sync.origin.${record.origin}`)}</Row>
        <Row label={f('enabled')}>{translate(record.enabled ? 'app.sync.yes' : 'app.sync.no')}</Row>
        <Row label={f('correlateBy')}>{record.correlateBy}</Row>
        <Row label={translate('app.sources.form.reconnect')}>
          {translate(`app.sources.reconnect.${record.reconnect ?? 'employeeId'}`)}
        </Row>
        <Row label={f('schedule.incremental')}>{record.schedule.incremental ?? '—'}</Row>
        <Row label={f('schedule.full')}>{record.schedule.full ?? '—'}</Row>
        <Row label={f('thresholds.minShareOfManaged')}>{record.thresholds.minShareOfManaged}</Row>
        <Row label={f('thresholds.maxDeactivationShare')}>
          {record.thresholds.maxDeactivationShare}
        </Row>
        <Row label={f('thresholds.maxDeactivations')}>{record.thresholds.maxDeactivations}</Row>
      </Section>
      <Section title={f('connection')}>
        {Object.entries(record.connection).map(([key, value]) => (
          <Row key={key} label={key}>
            <span style={{ fontFamily: 'monospace' }}>{show(value)}</span>
          </Row>
        ))}
        {record.origin === 'api' && (
          <Row label={translate('app.sources.form.bindPassword')}>
            <span data-testid="source-password">
              {record.bindPasswordSet
                ? translate('app.sources.password.set_on', {
                    date: record.bindPasswordChangedAt
                      ? dateTime(record.bindPasswordChangedAt)
                      : '—',
                  })
                : translate('app.sources.password.not_set')}
            </span>
          </Row>
        )}
      </Section>
      <Section title={f('runs')} wide>
        <ReferenceManyField
          reference="sync-runs"
          target="sourceId"
          perPage={10}
          pagination={<Pagination rowsPerPageOptions={[10, 25, 50]} />}
        >
          <RunGrid />
        </ReferenceManyField>
      </Section>
    </Box>
  );
}

function Actions() {
  const record = useRecordContext<DirectorySourceRecord>();
  const { canAccess: canRun } = useCanAccess({ action: 'run', resource: 'directory-sources' });
  const { canAccess: canEdit } = useCanAccess({ action: 'edit', resource: 'directory-sources' });
  const { canAccess: canDelete } = useCanAccess({
    action: 'delete',
    resource: 'directory-sources',
  });
  return (
    <TopToolbar>
      {record && canEdit && <ConnectionTestButton sourceId={record.id} />}
      {record && canRun && <SyncButtons sourceId={record.id} name={record.name} />}
      {record?.origin === 'api' && canEdit && <EditButton />}
      {/* Config sources are deleted from the file, never here. */}
      {record?.origin === 'api' && canDelete && <DeleteSourceButton record={record} />}
    </TopToolbar>
  );
}

/** A directory source: its settings (no secrets), its runs, and buttons to start a run. */
export default function SourceShow() {
  return (
    <Show actions={<Actions />}>
      <Body />
    </Show>
  );
}
