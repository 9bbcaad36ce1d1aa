import { useRecordContext } from 'react-admin';
import type { SyncRunRecord } from '../../api/syncTypes';
import { RunCounts } from './RunCounts';
import { RunStatusChip } from './RunStatusChip';

/** Props of the run fields: react-admin reads `label` and `sortable` from them. */
export interface RunFieldProps {
  label?: string;
  sortable?: boolean;
}

/** The status of the run in the record context. */
export function RunStatusField(_props: RunFieldProps) {
  const record = useRecordContext<SyncRunRecord>();
  return record ? <RunStatusChip status={record.status} /> : null;
}

/** The counts of the run in the record context. */
export function RunCountsField(_props: RunFieldProps) {
  const record = useRecordContext<SyncRunRecord>();
  return record ? <RunCounts counts={record.counts} /> : null;
}
