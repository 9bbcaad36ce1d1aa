import { List, SelectInput } from 'react-admin';
import { RUN_STATUSES } from '../../api/syncTypes';
import { enumChoices } from '../../components/EnumField';
import { RunGrid } from './RunGrid';

const filters = [
  <SelectInput
    key="status"
    source="status"
    choices={enumChoices(RUN_STATUSES, 'app.sync.status')}
    alwaysOn
  />,
];

/** Sync runs of every source, newest first, filterable by status. */
export default function RunList() {
  return (
    <List filters={filters} exporter={false}>
      <RunGrid withSource />
    </List>
  );
}
