import { Datagrid, ReferenceManyField, TextField, useTranslate } from 'react-admin';
import type { UserRecord } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { Row } from '../../components/Section';
import { useFormat } from '../../format';
import { ActionField, ActorField } from '../audit/fields';

const STATUS_ACTIONS = ['user.created', 'user.activated', 'user.deactivated'].join(',');

/**
 * A person's status history: their status events from the audit log when the viewer may read
 * it, else the last change as the person's record states it.
 */
export function StatusHistory({ record, fromAudit }: { record: UserRecord; fromAudit: boolean }) {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  if (!fromAudit) {
    const f = (field: string) => translate(`resources.users.fields.${field}`);
    return (
      <>
        <Row label={translate('app.card.current_status')}>
          {translate(`app.status.${record.status}`)}
        </Row>
        <Row label={f('statusChangedAt')}>{dateTime(record.statusChangedAt)}</Row>
        <Row label={f('statusChangedBy')}>{record.statusChangedBy?.displayName}</Row>
        <Row label={f('statusReason')}>{record.statusReason}</Row>
      </>
    );
  }
  return (
    <ReferenceManyField
      reference="audit-events"
      target="targetId"
      filter={{ action: STATUS_ACTIONS, outcome: 'success' }}
      perPage={10}
      empty={<span>{translate('app.card.no_history')}</span>}
    >
      <Datagrid bulkActionButtons={false} rowClick={false} data-testid="status-history">
        <DateTime source="at" label="resources.audit-events.fields.at" />
        <ActionField label="resources.audit-events.fields.action" />
        <ActorField label="resources.audit-events.fields.actor" />
        <TextField source="reason" label="resources.audit-events.fields.reason" />
      </Datagrid>
    </ReferenceManyField>
  );
}
