import {
  CreateButton,
  Datagrid,
  FunctionField,
  List,
  SelectInput,
  TextField,
  TopToolbar,
  useTranslate,
} from 'react-admin';
import type { ImportRunRecord } from '../../api/hrTypes';
import { RUN_STATUSES } from '../../api/syncTypes';
import { DateTime } from '../../components/DateTime';
import { enumChoices } from '../../components/EnumField';
import { RunCountsField, RunStatusField } from '../syncRuns/runFields';

const filters = [
  <SelectInput
    key="status"
    source="status"
    choices={enumChoices(RUN_STATUSES, 'app.sync.status')}
    alwaysOn
  />,
];

function Actions() {
  return (
    <TopToolbar>
      <CreateButton label="app.imports.new" />
    </TopToolbar>
  );
}

/** Past imports, newest first: file, who, when, status and counts; a row opens the import. */
export default function ImportList() {
  const translate = useTranslate();
  return (
    <List filters={filters} actions={<Actions />} exporter={false} empty={false}>
      <Datagrid
        rowClick="show"
        bulkActionButtons={false}
        data-testid="imports"
        empty={<p>{translate('app.imports.none')}</p>}
      >
        <FunctionField<ImportRunRecord>
          label="app.imports.file_name"
          sortable={false}
          render={(record) => record.details?.fileName ?? '—'}
        />
        <TextField
          source="requestedBy"
          sortable={false}
          label="resources.imports.fields.requestedBy"
        />
        <DateTime source="startedAt" sortable={false} label="resources.imports.fields.startedAt" />
        <RunStatusField label="resources.imports.fields.status" sortable={false} />
        <RunCountsField label="resources.imports.fields.counts" sortable={false} />
      </Datagrid>
    </List>
  );
}
