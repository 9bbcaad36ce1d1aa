import { Datagrid, FunctionField, TextField, useTranslate } from 'react-admin';
import type { SyncRunRecord } from '../../api/syncTypes';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { sourceName } from '../../components/sourceName';
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
      {withSource && (
        <FunctionField<SyncRunRecord>
          source="sourceId"
          sortable={false}
          render={(run) => sourceName(run.sourceId, translate)}
        />
      )}
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
