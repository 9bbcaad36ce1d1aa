import { Skeleton } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useRecordContext } from 'react-admin';
import type { DirectorySourceRecord } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';
import { RunStatusChip } from '../syncRuns/RunStatusChip';

/** The state and time of the last run of the source in the record context. */
export function LastRunField(_props: { label?: string; sortable?: boolean }) {
  const record = useRecordContext<DirectorySourceRecord>();
  const dataProvider = useAppDataProvider();
  const { dateTime } = useFormat();
  const sourceId = record?.id ?? '';
  const { data, isPending } = useQuery({
    queryKey: ['sync-runs', 'last', sourceId],
    queryFn: () => dataProvider.listRuns({ sourceId, limit: 1 }),
    enabled: sourceId !== '',
  });
  if (isPending) return <Skeleton width={120} />;
  const last = data?.data[0];
  if (!last) return <span>—</span>;
  return (
    <span style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
      <RunStatusChip status={last.status} />
      <time dateTime={last.startedAt}>{dateTime(last.startedAt)}</time>
    </span>
  );
}
