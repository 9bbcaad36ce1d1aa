import {
  CreateButton,
  Datagrid,
  List,
  NumberField,
  SearchInput,
  TextField,
  TopToolbar,
  useCanAccess,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';

const filters = [<SearchInput key="q" source="q" alwaysOn />];

/** Spaces, searchable by name. */
export default function SpaceList() {
  const { canAccess: canCreate } = useCanAccess({ action: 'create', resource: 'spaces' });
  return (
    <List
      filters={filters}
      exporter={false}
      actions={<TopToolbar>{canCreate && <CreateButton />}</TopToolbar>}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" sortable={false} />
        <TextField source="organizationName" sortable={false} />
        <NumberField source="memberCount" sortable={false} />
        <DateTime source="createdAt" sortable={false} />
      </Datagrid>
    </List>
  );
}
