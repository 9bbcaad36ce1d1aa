import { Datagrid, TextField, useTranslate } from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { RunCountsField, RunStatusField } from './runFields';

/** The columns of a list of sync runs; a row opens the run. */
export function RunGrid({ withSource }: { withSource?: boolean }) {
  const translate = useTranslate();
  return (
    <Datagrid
      rowClick={(id) => `/sync-runs/${id}/show`}
      bulkActionButtons={false}
      data-testid="runs"
      empty={<p>{translate('app.sync.no_runs')}</p>}
    >
      {withSource && <TextField source="sourceId" sortable={false} />}
      <DateTime source="startedAt" sortable={false} label="resources.sync-runs.fields.startedAt" />
      <EnumField
        source="mode"
        prefix="app.sync.mode"
        sortable={false}
        label="resources.sync-runs.fields.mode"
      />
      <RunStatusField label="resources.sync-runs.fields.status" sortable={false} />
      <RunCountsField label="resources.sync-runs.fields.counts" sortable={false} />
      <TextField
        source="requestedBy"
        sortable={false}
        label="resources.sync-runs.fields.requestedBy"
      />
    </Datagrid>
  );
}
