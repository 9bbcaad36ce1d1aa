import { BooleanField, Datagrid, List, TextField } from 'react-admin';
import { EnumField } from '../../components/EnumField';
import { LastRunField } from './LastRunField';

/** Directory sources (from the configuration and defined through the API) and their last run. */
export default function SourceList() {
  return (
    <List exporter={false} pagination={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} data-testid="sources">
        <TextField source="id" sortable={false} />
        <TextField source="name" sortable={false} />
        <EnumField source="kind" prefix="app.sync.kind" sortable={false} />
        <EnumField source="origin" prefix="app.sync.origin" sortable={false} />
        <BooleanField source="enabled" sortable={false} />
        <LastRunField label="resources.directory-sources.fields.lastRun" sortable={false} />
      </Datagrid>
    </List>
  );
}
