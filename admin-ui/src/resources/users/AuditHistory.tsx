import { Datagrid, Pagination, ReferenceManyField } from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { ActionField, ActorField, ReasonField } from '../audit/fields';

/** The audit events that name a person as their target, newest first. */
export function AuditHistory() {
  return (
    <ReferenceManyField
      reference="audit-events"
      target="targetId"
      perPage={10}
      pagination={<Pagination rowsPerPageOptions={[10, 25, 50]} />}
    >
      <Datagrid bulkActionButtons={false} rowClick="show" data-testid="audit-history">
        <DateTime source="at" label="resources.audit-events.fields.at" />
        <ActionField label="resources.audit-events.fields.action" />
        <ActorField label="resources.audit-events.fields.actor" />
        <EnumField
          source="outcome"
          prefix="app.outcome"
          label="resources.audit-events.fields.outcome"
        />
        <ReasonField label="resources.audit-events.fields.reason" />
      </Datagrid>
    </ReferenceManyField>
  );
}
