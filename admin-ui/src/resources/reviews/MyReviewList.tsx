import {
  Datagrid,
  FunctionField,
  List,
  SearchInput,
  SelectInput,
  TextField,
  useTranslate,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { enumChoices } from '../../components/EnumField';
import { ConfirmSelectedButton, ItemButtons, reviewItemColumns } from './ItemParts';
import { ITEM_STATES, type ItemRecord } from './types';

/** Only undecided items of open campaigns can be selected and confirmed. */
const selectable = (item: ItemRecord) => item.decision === null && item.campaignStatus === 'open';

/**
 * «Мои проверки доступа»: the items assigned to the signed-in reviewer, undecided first by
 * default. Each row is confirmed or revoked on its own; a page's selected rows are confirmed
 * together, still one record per item.
 */
export default function MyReviewList() {
  const translate = useTranslate();
  const filters = [
    <SearchInput key="q" source="q" alwaysOn />,
    <SelectInput
      key="state"
      source="state"
      choices={enumChoices(ITEM_STATES, 'app.reviews.state')}
      alwaysOn
    />,
  ];
  return (
    <List
      title={translate('app.reviews.mine')}
      filter={{ mine: 'true' }}
      filters={filters}
      filterDefaultValues={{ state: 'undecided' }}
      perPage={25}
      empty={false}
      exporter={false}
      disableSyncWithLocation={false}
    >
      <Datagrid
        bulkActionButtons={<ConfirmSelectedButton />}
        isRowSelectable={selectable}
        rowClick={false}
        data-testid="review-items"
        empty={<p>{translate('app.reviews.empty')}</p>}
      >
        {reviewItemColumns([
          <FunctionField<ItemRecord>
            key="organization"
            source="organization"
            sortable={false}
            render={(item) => item.organization?.name ?? '—'}
          />,
          <TextField key="campaignName" source="campaignName" sortable={false} />,
          <DateTime key="dueAt" source="dueAt" sortable={false} />,
        ])}
        <FunctionField<ItemRecord> label="" render={() => <ItemButtons />} />
      </Datagrid>
    </List>
  );
}
