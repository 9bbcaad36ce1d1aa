import { Chip } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  List,
  TextField,
  TopToolbar,
  useCanAccess,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import type { ScimTokenRecord } from '../../api/hrTypes';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { personLabel } from '../../components/personLabel';
import { CreateTokenButton } from './CreateTokenButton';
import { RevokeTokenButton } from './RevokeTokenButton';

function Actions() {
  const { canAccess } = useCanAccess({ action: 'create', resource: 'scim-tokens' });
  return <TopToolbar>{canAccess && <CreateTokenButton />}</TopToolbar>;
}

function State(_props: { label?: string }) {
  const record = useRecordContext<ScimTokenRecord>();
  const translate = useTranslate();
  if (!record) return null;
  const revoked = record.revokedAt !== null;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={revoked ? 'default' : 'success'}
      label={translate(revoked ? 'app.scim.revoked' : 'app.scim.active')}
    />
  );
}

function Revoke(_props: { label?: string }) {
  const record = useRecordContext<ScimTokenRecord>();
  const { canAccess } = useCanAccess({ action: 'delete', resource: 'scim-tokens' });
  if (!record || !canAccess || record.origin !== 'database' || record.revokedAt) return null;
  return <RevokeTokenButton token={record} />;
}

/**
 * SCIM bearer tokens (superadmins manage them; auditors read): name, prefix, where defined,
 * created, last used, state. The secret itself is shown once, when a token is created.
 */
export default function ScimTokenList() {
  const translate = useTranslate();
  return (
    <List actions={<Actions />} exporter={false} pagination={false} empty={false}>
      <Datagrid
        bulkActionButtons={false}
        rowClick={false}
        data-testid="scim-tokens"
        empty={<p>{translate('app.scim.none')}</p>}
      >
        <TextField source="name" sortable={false} />
        <FunctionField<ScimTokenRecord>
          source="prefix"
          sortable={false}
          render={(record) => (record.prefix ? <code>{record.prefix}…</code> : '—')}
        />
        <EnumField source="origin" prefix="app.scim.origin" sortable={false} />
        <DateTime
          source="createdAt"
          sortable={false}
          label="resources.scim-tokens.fields.createdAt"
        />
        <FunctionField<ScimTokenRecord>
          source="createdBy"
          sortable={false}
          render={(record) => personLabel(record.createdBy)}
        />
        <DateTime
          source="lastUsedAt"
          sortable={false}
          label="resources.scim-tokens.fields.lastUsedAt"
        />
        <State label="resources.scim-tokens.fields.state" />
        <DateTime
          source="revokedAt"
          sortable={false}
          label="resources.scim-tokens.fields.revokedAt"
        />
        <Revoke label="" />
      </Datagrid>
    </List>
  );
}
