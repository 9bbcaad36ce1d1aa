import {
  AutocompleteInput,
  Datagrid,
  DateTimeInput,
  FilterButton,
  ReferenceInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useTranslate,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField, enumChoices } from '../../components/EnumField';
import { ResponsiveList } from '../../components/responsive';
import { fromCompanyWallTime, toCompanyWallTime, useFormat } from '../../format';
import { AuditCards } from './AuditCards';
import { AUDIT_ACTIONS } from './actions';
import { ExportLinks } from './ExportLinks';
import { ActionField, ActorField, ReasonField, TargetField } from './fields';
import { auditActionKey } from './labels';
import { VerifyChain } from './VerifyChain';

const byName = (q: string) => ({ q });

function useFilters() {
  const translate = useTranslate();
  const { compare } = useFormat();
  const actions = AUDIT_ACTIONS.map((action) => ({
    id: action,
    name: translate(auditActionKey(action), { _: action }),
  })).sort((a, b) => compare(a.name, b.name));
  return [
    <SelectInput key="action" source="action" choices={actions} alwaysOn />,
    <ReferenceInput key="actor" source="actorId" reference="users" alwaysOn>
      <AutocompleteInput filterToQuery={byName} optionText="fullName" />
    </ReferenceInput>,
    <TextInput key="target" source="targetId" />,
    <SelectInput
      key="outcome"
      source="outcome"
      choices={enumChoices(['success', 'denied', 'failure'], 'app.outcome')}
    />,
    // `<input type="datetime-local">` has no zone: it is read and shown in the company's zone,
    // like every time in the list; the API gets ISO 8601.
    <DateTimeInput
      key="from"
      source="from"
      parse={fromCompanyWallTime}
      format={toCompanyWallTime}
    />,
    <DateTimeInput key="to" source="to" parse={fromCompanyWallTime} format={toCompanyWallTime} />,
  ];
}

function Actions() {
  return (
    <TopToolbar>
      <FilterButton />
      <ExportLinks />
    </TopToolbar>
  );
}

/** The audit log, newest first: filters, export of the filtered events, chain verification. */
export default function AuditList() {
  return (
    <ResponsiveList
      cards={<AuditCards />}
      filters={useFilters()}
      actions={<Actions />}
      exporter={false}
      perPage={50}
      sort={{ field: 'id', order: 'DESC' }}
      aside={<VerifyChain />}
    >
      <Datagrid bulkActionButtons={false} rowClick="show" data-testid="audit-list">
        <TextField source="id" sortable={false} />
        <DateTime source="at" sortable={false} />
        <ActorField label="resources.audit-events.fields.actor" />
        <ActionField label="resources.audit-events.fields.action" />
        <TargetField label="resources.audit-events.fields.target" />
        <EnumField source="outcome" prefix="app.outcome" sortable={false} />
        <ReasonField label="resources.audit-events.fields.reason" sortable={false} />
      </Datagrid>
    </ResponsiveList>
  );
}
