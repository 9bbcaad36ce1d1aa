import {
  CreateButton,
  Datagrid,
  FilterButton,
  TextField,
  TopToolbar,
  useCanAccess,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { ResponsiveList } from '../../components/responsive';
import { BulkOutcomeProvider, BulkStatusButtons } from './BulkStatusButton';
import { InviteAllButton } from './InviteAllButton';
import { UserCards } from './UserCards';
import { useUserFilters } from './userFilters';

function ListActions() {
  const { canAccess: canCreate } = useCanAccess({ action: 'create', resource: 'users' });
  const { canAccess: canInvite } = useCanAccess({ action: 'invite', resource: 'users' });
  return (
    <TopToolbar>
      <FilterButton />
      {canInvite && <InviteAllButton />}
      {canCreate && <CreateButton />}
    </TopToolbar>
  );
}

/** People: search by name, phone or email, filters, server-side sort and paging. */
export default function UserList() {
  const filters = useUserFilters();
  const { canAccess: canDeactivate } = useCanAccess({ action: 'deactivate', resource: 'users' });
  const { canAccess: canSuspend } = useCanAccess({ action: 'suspend', resource: 'users' });
  const { canAccess: canActivate } = useCanAccess({ action: 'activate', resource: 'users' });
  const bulk = canDeactivate || canSuspend || canActivate;
  return (
    <BulkOutcomeProvider>
      <ResponsiveList
        cards={<UserCards />}
        filters={filters}
        actions={<ListActions />}
        sort={{ field: 'displayName', order: 'ASC' }}
        perPage={25}
        debounce={100}
      >
        <Datagrid rowClick="show" bulkActionButtons={bulk ? <BulkStatusButtons /> : false}>
          <TextField source="displayName" sortBy="name" />
          <TextField source="email" sortable={false} />
          <TextField source="phone" sortable={false} />
          <TextField
            source="organization.name"
            label="resources.users.fields.organizationId"
            sortable={false}
          />
          <EnumField source="status" prefix="app.status" chip />
          <EnumField source="role" prefix="app.role" empty="none" sortable={false} />
          <EnumField source="invitation" prefix="app.invitation.status" sortable={false} />
          <DateTime source="updatedAt" />
        </Datagrid>
      </ResponsiveList>
    </BulkOutcomeProvider>
  );
}
