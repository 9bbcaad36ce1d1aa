import { Stack } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  List,
  SelectInput,
  TextField,
  useCanAccess,
  useTranslate,
} from 'react-admin';
import type { MailMessageRecord } from '../../api/mailTypes';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { MailSettingsCard } from './MailSettingsCard';
import { TestMailForm } from './TestMailForm';

const STATUSES = ['queued', 'sent', 'dead', 'unconfigured'] as const;

/**
 * "Почта / Mail": the read-only settings (superadmin, admin), the test mail (superadmin) and the
 * queue (superadmin, admin, auditor): recipient, template, status, attempts, the last error.
 * Bodies are never shown: the API does not return them, and sent ones no longer exist.
 */
export default function MailPage() {
  const translate = useTranslate();
  const settings = useCanAccess({ action: 'list', resource: 'mail-settings' });
  const test = useCanAccess({ action: 'verify', resource: 'mail-settings' });
  const filters = [
    <SelectInput
      key="status"
      source="status"
      alwaysOn
      choices={STATUSES.map((id) => ({ id, name: translate(`app.mail.status.${id}`) }))}
    />,
  ];
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      {(settings.canAccess || test.canAccess) && (
        <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
          {settings.canAccess && <MailSettingsCard />}
          {test.canAccess && <TestMailForm />}
        </Stack>
      )}
      <List resource="mail-messages" filters={filters} exporter={false} title="app.mail.title">
        <Datagrid bulkActionButtons={false} rowClick={false} data-testid="mail-messages">
          <DateTime source="createdAt" sortable={false} />
          <TextField source="recipient" sortable={false} />
          <TextField source="subject" sortable={false} />
          <TextField source="template" sortable={false} />
          <EnumField source="status" prefix="app.mail.status" chip sortable={false} />
          <TextField source="attempts" sortable={false} />
          <FunctionField<MailMessageRecord>
            source="lastError"
            sortable={false}
            render={(record) => record.lastError ?? record.smtpResponse ?? '—'}
          />
          <DateTime source="sentAt" sortable={false} />
        </Datagrid>
      </List>
    </Stack>
  );
}
