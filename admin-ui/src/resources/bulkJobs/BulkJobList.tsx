import type { Query } from '@tanstack/react-query';
import {
  Datagrid,
  FunctionField,
  List,
  type ListProps,
  SelectInput,
  useTranslate,
} from 'react-admin';
import { DateTime } from '../../components/DateTime';
import { EnumField, enumChoices } from '../../components/EnumField';
import { PersonLink } from '../../components/PersonName';
import { FilterSummary, JobProgress, JobTitle } from './JobParts';
import { BULK_JOB_STATUSES, BULK_VERBS, type BulkJob, isLive, POLL_MS } from './types';

type ListQuery = Query<{ data: BulkJob[] } | undefined>;

/** Polls the page while one of its jobs still moves, and stops once all are over. */
const pollWhileLive: NonNullable<ListProps['queryOptions']>['refetchInterval'] = (query) =>
  (query as ListQuery).state.data?.data.some(isLive) ? POLL_MS : false;

/**
 * «Массовые операции»: the bulk jobs the signed-in person may see (their own; superadmins and
 * auditors everyone's), newest first, with their progress polled while any of them runs. A
 * job started from the people list is found here after the dialog closed or the page reloaded.
 */
export default function BulkJobList() {
  const translate = useTranslate();
  const filters = [
    <SelectInput
      key="status"
      source="status"
      choices={enumChoices(BULK_JOB_STATUSES, 'bulkjob.status')}
    />,
    <SelectInput key="verb" source="verb" choices={enumChoices(BULK_VERBS, 'bulkjob.noun')} />,
  ];
  return (
    <List
      filters={filters}
      sort={{ field: 'createdAt', order: 'DESC' }}
      perPage={25}
      queryOptions={{ refetchInterval: pollWhileLive }}
      empty={false}
      // No client-side CSV of this page: the per-person report is the audited download.
      exporter={false}
    >
      <Datagrid rowClick="show" bulkActionButtons={false} data-testid="bulk-job-list">
        <FunctionField<BulkJob>
          source="verb"
          sortable={false}
          render={(job) => <JobTitle job={job} />}
        />
        <FunctionField<BulkJob>
          source="requestedBy"
          sortable={false}
          render={(job) => (
            <PersonLink
              person={{
                id: job.requestedBy.id,
                fullName: job.requestedBy.fullName || job.requestedBy.label,
              }}
            />
          )}
        />
        <FunctionField<BulkJob>
          source="filter"
          sortable={false}
          render={(job) => <FilterSummary job={job} />}
        />
        <FunctionField<BulkJob>
          source="processed"
          sortable={false}
          label={translate('resources.bulk-jobs.fields.progress')}
          render={(job) => <JobProgress job={job} />}
        />
        <EnumField source="status" prefix="bulkjob.status" chip sortable={false} />
        <DateTime source="createdAt" sortable={false} />
        <DateTime source="finishedAt" sortable={false} />
      </Datagrid>
    </List>
  );
}
