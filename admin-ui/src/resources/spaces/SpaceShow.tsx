import { Box } from '@mui/material';
import {
  Datagrid,
  EditButton,
  ReferenceManyField,
  Show,
  TextField,
  TopToolbar,
  useCanAccess,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import type { ApiResponses } from '../../api/generated/openapi';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { Row, Section } from '../../components/Section';
import { ExportLink } from '../access/ExportLink';
import { ViaField } from '../access/ViaChip';
import { AddMembersButton } from './AddMembersButton';
import { RemoveMemberButton } from './RemoveMemberButton';

type SpaceRecord = ApiResponses['getSpace'];

function Body() {
  const record = useRecordContext<SpaceRecord>();
  const translate = useTranslate();
  const { canAccess: canManage } = useCanAccess({ action: 'manage', resource: 'space-members' });
  const { canAccess: canExport } = useCanAccess({ action: 'export', resource: 'users' });
  if (!record) return null;
  const f = (field: string) => translate(`resources.spaces.fields.${field}`);
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }}>
      <Section title={record.name} wide>
        <Row label={f('description')}>{record.description}</Row>
        <Row label={f('organizationName')}>{record.organizationName}</Row>
        <Row label={f('memberCount')}>{record.memberCount}</Row>
      </Section>
      <Section title={f('members')} wide>
        {canManage && <AddMembersButton spaceId={record.id} />}
        {canExport && (
          <ExportLink path={`/spaces/${record.id}/members/export`} testId="members-export" />
        )}
        <ReferenceManyField reference="space-members" target="spaceId" perPage={25}>
          <Datagrid
            bulkActionButtons={false}
            rowClick={(id) => `/users/${id}/show`}
            data-testid="members"
          >
            <TextField source="fullName" label="app.names.full_name" />
            <TextField source="email" label="resources.users.fields.email" />
            <EnumField
              source="status"
              prefix="app.status"
              chip
              label="resources.users.fields.status"
            />
            <ViaField label="access.member_via" sortable={false} />
            <DateTime source="addedAt" label="resources.users.fields.createdAt" />
            {canManage ? <RemoveMemberButton /> : <span />}
          </Datagrid>
        </ReferenceManyField>
      </Section>
    </Box>
  );
}

function Actions() {
  const { canAccess } = useCanAccess({ action: 'edit', resource: 'spaces' });
  return <TopToolbar>{canAccess && <EditButton />}</TopToolbar>;
}

/** A space and its members (added and removed by superadmins and admins). */
export default function SpaceShow() {
  return (
    <Show actions={<Actions />}>
      <Body />
    </Show>
  );
}
