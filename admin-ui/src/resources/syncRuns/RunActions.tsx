import Block from '@mui/icons-material/Block';
import TaskAlt from '@mui/icons-material/TaskAlt';
import { TopToolbar, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import type { SyncRunRecord } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

const CANCELLABLE = new Set(['running', 'awaiting_approval', 'applying']);

/** Approve (a held plan, for those who may) and Cancel (a live or held run) of a sync run. */
export function RunActions() {
  const record = useRecordContext<SyncRunRecord>();
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { canAccess: canApprove } = useCanAccess({ action: 'approve', resource: 'sync-runs' });
  // Cancelling is `run` on the source, as the server checks it.
  const { canAccess: canRun } = useCanAccess({ action: 'run', resource: 'directory-sources' });
  if (!record) return <TopToolbar />;
  const held = record.status === 'awaiting_approval';
  return (
    <TopToolbar>
      {held && canApprove && (
        <ActionButton
          label={translate('app.sync.approve')}
          icon={<TaskAlt />}
          title={translate('app.sync.approve_title')}
          help={translate('app.sync.approve_help', { safety: record.safety ?? '' })}
          reason="none"
          confirmLabel={translate('app.sync.approve')}
          run={async () => {
            await dataProvider.approveRun(record.id);
            return { message: 'app.sync.approved' };
          }}
        />
      )}
      {CANCELLABLE.has(record.status) && canRun && (
        <ActionButton
          label={translate('app.sync.cancel')}
          icon={<Block />}
          title={translate('app.sync.cancel_title')}
          reason="none"
          run={async () => {
            await dataProvider.cancelRun(record.id);
            return { message: 'app.sync.cancelled' };
          }}
        />
      )}
    </TopToolbar>
  );
}
