import { Alert, AlertTitle } from '@mui/material';
import { useMemo } from 'react';
import {
  Edit,
  type RaRecord,
  useNotify,
  useRecordContext,
  useRedirect,
  useTranslate,
} from 'react-admin';
import { isPendingChange } from '../../api/configChangeTypes';
import type { DirectorySourceRecord } from '../../api/syncTypes';
import { DualControlNotice } from '../configChanges/DualControlNotice';
import { SourceForm } from './SourceForm';
import { type SourceFormValues, toFormValues, updateBody } from './sourceForm';

function Form() {
  const record = useRecordContext<DirectorySourceRecord>();
  const translate = useTranslate();
  const values = useMemo(() => (record ? toFormValues(record) : undefined), [record]);
  if (!record || !values) return null;
  if (record.origin === 'config') {
    return (
      <Alert severity="info" sx={{ m: 2 }} data-testid="config-source">
        <AlertTitle>{translate('app.sources.config_note')}</AlertTitle>
        {translate('app.sync.config_read_only')}
      </Alert>
    );
  }
  return (
    <>
      <DualControlNotice />
      <SourceForm record={record} values={values} />
    </>
  );
}

/**
 * Settings of a source defined through the API (superadmin); only what changed is sent, the
 * password only when typed or cleared. Config-file sources are read-only.
 */
export default function SourceEdit() {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Edit
      mutationMode="pessimistic"
      redirect="show"
      transform={(data: RaRecord, options?: { previousData?: RaRecord }) =>
        updateBody(
          data as unknown as SourceFormValues,
          options?.previousData as unknown as DirectorySourceRecord,
        ) as RaRecord
      }
      mutationOptions={{
        // A change waiting for a second superadmin (202) opens its request instead of the source.
        onSuccess: (data: RaRecord) => {
          const pending = (data as { pendingChange?: unknown }).pendingChange;
          if (isPendingChange(pending)) {
            notify('configchange.pending_notice', { type: 'info' });
            redirect('show', 'config-changes', pending.id);
            return;
          }
          notify('ra.notification.updated', { type: 'info', messageArgs: { smart_count: 1 } });
          redirect('show', 'directory-sources', data.id);
        },
        onError: (error: unknown) => {
          const body = (error as { body?: { code?: string } } | null)?.body;
          if (body?.code === 'source_defined_in_config') {
            notify('app.sync.config_read_only', { type: 'warning' });
          } else {
            notify(error instanceof Error ? error.message : String(error), { type: 'error' });
          }
        },
      }}
    >
      <Form />
    </Edit>
  );
}
