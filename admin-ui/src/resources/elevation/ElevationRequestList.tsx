import {
  BooleanInput,
  CreateButton,
  Datagrid,
  FunctionField,
  List,
  SelectInput,
  TextField,
  TopToolbar,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField, enumChoices } from '../../components/EnumField';
import { PersonLink } from '../../components/PersonName';
import { DecideButtons } from './DecideButtons';
import { useDurationText, useScopeText } from './Duration';
import { ELEVATION_STATUSES, type ElevationRequestRecord } from './types';

const POLL_MS = 30_000;

/**
 * «Запросы повышения прав»: one's own requests (superadmins and auditors: everyone's), newest
 * first; a superadmin approves or rejects the pending ones of others here.
 */
export default function ElevationRequestList() {
  const duration = useDurationText();
  const scope = useScopeText();
  const filters = [
    <SelectInput
      key="status"
      source="status"
      choices={enumChoices(ELEVATION_STATUSES, 'elevation.status')}
      alwaysOn
    />,
    <BooleanInput key="mine" source="mine" alwaysOn />,
  ];
  return (
    <List
      filters={filters}
      sort={{ field: 'createdAt', order: 'DESC' }}
      perPage={25}
      queryOptions={{ refetchInterval: POLL_MS }}
      empty={false}
      exporter={false}
      actions={
        <TopToolbar>
          <CreateButton label="elevation.request" />
        </TopToolbar>
      }
    >
      <Datagrid bulkActionButtons={false} rowClick={false} data-testid="elevation-requests">
        <FunctionField<ElevationRequestRecord>
          source="requester"
          sortable={false}
          render={(record) => <PersonLink person={record.requester} />}
        />
        <EnumField source="role" prefix="app.role" sortable={false} />
        <FunctionField<ElevationRequestRecord>
          source="scope"
          sortable={false}
          render={(record) => scope(record.scope)}
        />
        <FunctionField<ElevationRequestRecord>
          source="durationMinutes"
          sortable={false}
          render={(record) => duration(record.durationMinutes)}
        />
        <TextField source="reason" sortable={false} />
        <EnumField source="status" prefix="elevation.status" chip sortable={false} />
        <DateTime source="createdAt" sortable={false} />
        <DateTime source="grantExpiresAt" sortable={false} />
        <TextField source="decisionReason" sortable={false} emptyText="—" />
        <FunctionField<ElevationRequestRecord>
          source="id"
          label=" "
          sortable={false}
          render={(record) => <DecideButtons record={record} />}
        />
      </Datagrid>
    </List>
  );
}
