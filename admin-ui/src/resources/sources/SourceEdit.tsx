import { Alert } from '@mui/material';
import {
  BooleanInput,
  Edit,
  NumberInput,
  type RaRecord,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  useNotify,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { CORRELATION_KEYS, type DirectorySourceRecord } from '../../api/syncTypes';

const cron = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);

/** Empty schedule fields turn that kind of scheduled run off (null). */
function transform(data: RaRecord): RaRecord {
  const record = data as unknown as DirectorySourceRecord;
  return {
    ...data,
    schedule: {
      incremental: cron(record.schedule?.incremental),
      full: cron(record.schedule?.full),
    },
  };
}

function Form() {
  const record = useRecordContext<DirectorySourceRecord>();
  const translate = useTranslate();
  if (record?.origin === 'config') {
    return (
      <Alert severity="info" sx={{ m: 2 }} data-testid="config-source">
        {translate('app.sync.config_read_only')}
      </Alert>
    );
  }
  return (
    <SimpleForm>
      <TextInput source="name" validate={required()} />
      <BooleanInput source="enabled" helperText="app.sync.enabled_help" />
      <SelectInput
        source="correlateBy"
        choices={CORRELATION_KEYS.map((key) => ({ id: key, name: key }))}
      />
      <TextInput source="schedule.incremental" helperText="app.sync.cron_help" />
      <TextInput source="schedule.full" helperText="app.sync.cron_help" />
      <NumberInput source="thresholds.minShareOfManaged" min={0} max={1} step={0.05} />
      <NumberInput source="thresholds.maxDeactivationShare" min={0} max={1} step={0.01} />
      <NumberInput source="thresholds.maxDeactivations" min={0} step={1} />
    </SimpleForm>
  );
}

/** Settings of a source defined through the API (superadmin); config-file sources are read-only. */
export default function SourceEdit() {
  const notify = useNotify();
  return (
    <Edit
      mutationMode="pessimistic"
      transform={transform}
      mutationOptions={{
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
