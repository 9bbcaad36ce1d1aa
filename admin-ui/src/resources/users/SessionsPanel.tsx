import { Chip } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  ReferenceManyField,
  TextField,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import type { SessionRecord, UserRecord } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { Section } from '../../components/Section';
import { userSubject } from '../../providers/ability';
import { useAbility } from '../../providers/useAbility';
import { RevokeSessionButton } from './RevokeSessionButton';

function State() {
  const record = useRecordContext<SessionRecord>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={record.live ? 'success' : 'default'}
      label={translate(record.live ? 'app.card.live' : 'app.card.ended')}
    />
  );
}

/**
 * A person's device and back-office sessions, live first, with a revoke button per live session.
 * Superadmins and auditors may list anyone's; admins the sessions they may revoke.
 */
export function SessionsPanel({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const ability = useAbility();
  const canRevoke = ability.can('revokeSessions', userSubject(record));
  const canList = canRevoke || ability.can('read', 'BackofficeAccount');
  if (!canList) return null;
  return (
    <Section title={translate('app.card.sessions')} wide>
      <ReferenceManyField
        reference="user-sessions"
        target="userId"
        perPage={25}
        empty={<span>{translate('app.card.no_sessions')}</span>}
      >
        <Datagrid bulkActionButtons={false} rowClick={false} data-testid="sessions">
          <EnumField source="kind" prefix="app.kind" />
          <FunctionField
            source="deviceName"
            render={(row: SessionRecord) =>
              [row.deviceName, row.platform].filter(Boolean).join(' · ') || row.userAgent || '—'
            }
          />
          <TextField source="ip" />
          <DateTime source="createdAt" />
          <DateTime source="lastSeenAt" />
          <State />
          {canRevoke ? <RevokeSessionButton /> : <span />}
        </Datagrid>
      </ReferenceManyField>
    </Section>
  );
}
