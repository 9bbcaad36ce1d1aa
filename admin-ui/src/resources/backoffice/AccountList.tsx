import {
  Datagrid,
  FilterButton,
  List,
  SearchInput,
  SelectInput,
  TextField,
  TopToolbar,
  useTranslate,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField, enumChoices } from '../../components/EnumField';
import { ROLES, STATUSES } from '../users/constants';

/** The filters; SearchInput shows its placeholder as given, so it is translated here. */
function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput
      key="q"
      source="q"
      alwaysOn
      placeholder={translate('resources.backoffice-accounts.fields.q')}
    />,
    <SelectInput key="role" source="role" choices={enumChoices(ROLES, 'app.role')} alwaysOn />,
    <SelectInput key="status" source="status" choices={enumChoices(STATUSES, 'app.status')} />,
  ];
}

/**
 * Who holds which back-office role. Roles are granted and withdrawn from a person's card
 * (the "Back-office role" action), which offers only what the rules allow.
 */
export default function AccountList() {
  return (
    <List
      filters={useFilters()}
      actions={
        <TopToolbar>
          <FilterButton />
        </TopToolbar>
      }
      sort={{ field: 'fullName', order: 'ASC' }}
      exporter={false}
    >
      <Datagrid
        rowClick={(id) => `/users/${id}/show`}
        bulkActionButtons={false}
        data-testid="accounts"
      >
        <TextField source="fullName" sortBy="name" label="app.names.full_name" />
        <TextField source="username" sortable={false} label="resources.users.fields.username" />
        <EnumField source="role" prefix="app.role" label="resources.users.fields.role" />
        <EnumField source="status" prefix="app.status" chip label="resources.users.fields.status" />
        <DateTime source="lastLoginAt" label="resources.users.fields.lastLoginAt" />
      </Datagrid>
    </List>
  );
}
