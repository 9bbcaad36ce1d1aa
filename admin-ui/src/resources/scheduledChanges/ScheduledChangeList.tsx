import { Datagrid, FunctionField, List, SelectInput, TextField, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { SCHEDULE_STATES, type ScheduledChangeRecord } from '../../api/hrTypes';
import { DateTime } from '../../components/DateTime';
import { enumChoices } from '../../components/EnumField';
import { personLabel } from '../../components/personLabel';
import { sourceName } from '../../components/sourceName';
import { CancelChangeButton } from './CancelChangeButton';
import { ChangeState } from './ChangeState';
import { EffectiveDate } from './EffectiveDate';

const filters = [
  <SelectInput
    key="state"
    source="state"
    choices={enumChoices(SCHEDULE_STATES, 'app.schedule.state')}
    alwaysOn
  />,
  <SelectInput
    key="kind"
    source="kind"
    choices={enumChoices(['deactivate', 'activate'], 'app.schedule.kind')}
    alwaysOn
  />,
];

/**
 * Scheduled changes of people's status (leavers on their termination date, changes scheduled by
 * hand), the live ones by default: person, what, when, from where, state; cancel the live ones.
 */
export default function ScheduledChangeList() {
  const translate = useTranslate();
  return (
    <List filters={filters} filterDefaultValues={{ state: 'live' }} exporter={false}>
      <Datagrid
        bulkActionButtons={false}
        rowClick={false}
        data-testid="scheduled-changes"
        empty={<p>{translate('app.schedule.none')}</p>}
      >
        <FunctionField<ScheduledChangeRecord>
          source="userLabel"
          sortable={false}
          render={(change) => (
            <Link to={`/users/${encodeURIComponent(change.userId)}/show`}>
              {change.userLabel ?? change.userId}
            </Link>
          )}
        />
        <FunctionField<ScheduledChangeRecord>
          source="kind"
          sortable={false}
          render={(change) => translate(`app.schedule.kind.${change.kind}`)}
        />
        <FunctionField<ScheduledChangeRecord>
          source="effectiveDate"
          sortable={false}
          render={(change) => <EffectiveDate change={change} />}
        />
        <FunctionField<ScheduledChangeRecord>
          source="sourceId"
          sortable={false}
          // `manual` and `scim` are the service's own sources: words; an HR source's id is data.
          render={(change) => (change.sourceId ? sourceName(change.sourceId, translate) : '—')}
        />
        <TextField source="reason" sortable={false} emptyText="—" />
        <FunctionField<ScheduledChangeRecord>
          source="createdBy"
          sortable={false}
          render={(change) => personLabel(change.createdBy)}
        />
        <DateTime
          source="createdAt"
          sortable={false}
          label="resources.scheduled-changes.fields.createdAt"
        />
        <FunctionField<ScheduledChangeRecord>
          label="resources.scheduled-changes.fields.state"
          sortable={false}
          render={(change) => <ChangeState change={change} />}
        />
        <FunctionField<ScheduledChangeRecord>
          label=""
          sortable={false}
          render={(change) => <CancelChangeButton change={change} />}
        />
      </Datagrid>
    </List>
  );
}
