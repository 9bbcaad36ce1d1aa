import { Box, Typography } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  Labeled,
  Pagination,
  ReferenceManyField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { CampaignProgress, CloseCampaignButton, ReportDownloads } from './CampaignParts';
import { reviewItemColumns } from './ItemParts';
import type { CampaignRecord, ItemRecord } from './types';

function Summary() {
  const campaign = useRecordContext<CampaignRecord>();
  const translate = useTranslate();
  if (!campaign) return null;
  const { confirmed, revoked, applied, undecidedAtClose } = campaign.progress;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <CampaignProgress campaign={campaign} />
      <Typography variant="body2" data-testid="review-counts">
        {translate('app.reviews.counts', {
          confirmed,
          revoked,
          applied,
          undecided: undecidedAtClose,
        })}
      </Typography>
    </Box>
  );
}

function Actions() {
  return (
    <TopToolbar>
      <CloseCampaignButton />
    </TopToolbar>
  );
}

/**
 * A campaign's page: what it covers and by which rules, its progress, every item with its
 * decision (superadmins and auditors read them all), the close button and the signed report.
 */
export default function CampaignShow() {
  const translate = useTranslate();
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="name" />
        <FunctionField<CampaignRecord>
          source="kind"
          render={(campaign) => translate(`app.reviews.kind.${campaign.kind}`)}
        />
        <FunctionField<CampaignRecord>
          source="organization"
          render={(campaign) =>
            campaign.organization?.name ?? translate('app.reviews.no_organization')
          }
        />
        <FunctionField<CampaignRecord>
          source="reviewerRule"
          render={(campaign) =>
            `${translate(`app.reviews.reviewer_rule.${campaign.reviewerRule}`)} · ${campaign.reviewer.name}`
          }
        />
        <EnumField source="revokeMode" prefix="app.reviews.revoke_mode" />
        <EnumField source="undecided" prefix="app.reviews.undecided" />
        <DateTime source="dueAt" />
        <EnumField source="status" prefix="app.reviews.status" chip />
        <Labeled source="progress">
          <Summary />
        </Labeled>
        <ReportDownloads />
        <ReferenceManyField
          reference="review-items"
          target="campaignId"
          perPage={25}
          pagination={<Pagination />}
          label={translate('resources.review-items.fields.access')}
        >
          <Datagrid bulkActionButtons={false} rowClick={false}>
            {reviewItemColumns([
              <FunctionField<ItemRecord>
                key="reviewer"
                source="reviewer"
                sortable={false}
                render={(item) => item.reviewer.name}
              />,
            ])}
          </Datagrid>
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}
