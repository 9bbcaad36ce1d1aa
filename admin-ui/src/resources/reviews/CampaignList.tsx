import { Datagrid, FunctionField, List, SelectInput, TextField, useTranslate } from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField, enumChoices } from '../../components/EnumField';
import { CampaignProgress } from './CampaignParts';
import { CAMPAIGN_KINDS, type CampaignRecord } from './types';

/** «Пересмотр доступа»: the campaigns, newest first, with their progress. */
export default function CampaignList() {
  const translate = useTranslate();
  const filters = [
    <SelectInput
      key="status"
      source="status"
      choices={enumChoices(['open', 'closed'], 'app.reviews.status')}
    />,
  ];
  return (
    <List filters={filters} perPage={25} exporter={false} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} data-testid="review-campaigns">
        <TextField source="name" sortable={false} />
        <FunctionField<CampaignRecord>
          source="kind"
          sortable={false}
          render={(campaign) =>
            translate(`app.reviews.kind.${campaign.kind}`, {
              _: CAMPAIGN_KINDS.join(' '),
            })
          }
        />
        <FunctionField<CampaignRecord>
          source="organization"
          sortable={false}
          render={(campaign) =>
            campaign.organization?.name ?? translate('app.reviews.no_organization')
          }
        />
        <FunctionField<CampaignRecord>
          source="progress"
          sortable={false}
          render={(campaign) => <CampaignProgress campaign={campaign} />}
        />
        <DateTime source="dueAt" sortable={false} />
        <EnumField source="status" prefix="app.reviews.status" chip sortable={false} />
      </Datagrid>
    </List>
  );
}
