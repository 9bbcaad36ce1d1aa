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
import { BroadSearchNotice } from './BroadSearchNotice';
import { BulkOutcomeProvider, BulkStatusButtons } from './BulkStatusButton';
import { BulkJobButtons } from './bulk/BulkJobButtons';
import { ExportButtons } from './bulk/ExportButtons';
import {
  AllMatchingProvider,
  SelectAllBanner,
  SelectionToolbar,
  useAllMatching,
} from './bulk/selection';
import { InviteAllButton } from './InviteAllButton';
import { UserCards } from './UserCards';
import { useUserFilters } from './userFilters';

function ListActions() {
  const { canAccess: canCreate } = useCanAccess({ action: 'create', resource: 'users' });
  const { canAccess: canInvite } = useCanAccess({ action: 'invite', resource: 'users' });
  const { canAccess: canExport } = useCanAccess({ action: 'export', resource: 'users' });
  return (
    <TopToolbar>
      <FilterButton />
      {canExport && <ExportButtons />}
      {canInvite && <InviteAllButton />}
      {canCreate && <CreateButton />}
    </TopToolbar>
  );
}

/**
 * The bulk actions: on the rows selected on this page, one request each (deactivate, suspend,
 * activate); once "all matching" is chosen in the banner, one background job over the filter.
 */
function BulkActions() {
  const { all } = useAllMatching();
  return (
    <>
      <SelectAllBanner />
      {all ? <BulkJobButtons /> : <BulkStatusButtons />}
    </>
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
    <AllMatchingProvider>
      <BulkOutcomeProvider>
        <ResponsiveList
          cards={
            <>
              <BroadSearchNotice />
              <UserCards />
            </>
          }
          filters={filters}
          actions={<ListActions />}
          sort={{ field: 'fullName', order: 'ASC' }}
          perPage={25}
          debounce={100}
        >
          <BroadSearchNotice />
          <SelectAllBanner />
          <Datagrid
            rowClick="show"
            bulkActionButtons={bulk ? <BulkActions /> : false}
            // react-admin's own "select all" collects up to 250 ids in the browser; the banner
            // in BulkActions selects everyone the filter matches, for a job on the server.
            bulkActionsToolbar={
              bulk ? (
                <SelectionToolbar>
                  <BulkActions />
                </SelectionToolbar>
              ) : undefined
            }
          >
            <TextField source="fullName" sortBy="name" label="app.names.full_name" />
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
    </AllMatchingProvider>
  );
}
