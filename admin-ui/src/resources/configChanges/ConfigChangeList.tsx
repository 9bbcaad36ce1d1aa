import { Datagrid, FunctionField, List, SelectInput, useTranslate } from 'react-admin';
import {
  CONFIG_CHANGE_STATUSES,
  CONFIG_SETTINGS,
  type ConfigChangeRecord,
} from '../../api/configChangeTypes';
import { DateTime } from '../../components/DateTime';
import { EnumField, enumChoices } from '../../components/EnumField';

/**
 * «Изменения настроек»: changes of sensitive settings under dual control, newest first. It opens
 * on the pending ones (what a superadmin has to decide); clearing the status filter shows the
 * whole history, which can be narrowed to one setting.
 */
export default function ConfigChangeList() {
  const translate = useTranslate();
  const filters = [
    <SelectInput
      key="status"
      source="status"
      alwaysOn
      choices={enumChoices(CONFIG_CHANGE_STATUSES, 'configchange.status')}
    />,
    <SelectInput
      key="setting"
      source="setting"
      alwaysOn
      choices={enumChoices(CONFIG_SETTINGS, 'configchange.setting')}
    />,
  ];
  return (
    <List
      filters={filters}
      filterDefaultValues={{ status: 'pending' }}
      perPage={25}
      empty={false}
      exporter={false}
    >
      <Datagrid rowClick="show" bulkActionButtons={false} data-testid="config-change-list">
        <FunctionField<ConfigChangeRecord>
          source="targetLabel"
          sortable={false}
          render={(change) =>
            translate(`configchange.title.${change.operation}`, {
              setting: translate(`configchange.setting.${change.setting}`),
              target: change.targetLabel ?? change.targetId,
            })
          }
        />
        <FunctionField<ConfigChangeRecord>
          source="requestedBy"
          sortable={false}
          render={(change) => change.requestedBy}
        />
        <EnumField source="status" prefix="configchange.status" chip sortable={false} />
        <DateTime source="requestedAt" sortable={false} />
        <FunctionField<ConfigChangeRecord>
          source="decidedBy"
          sortable={false}
          render={(change) => change.decidedBy ?? '—'}
        />
      </Datagrid>
    </List>
  );
}
