import Block from '@mui/icons-material/Block';
import { TopToolbar, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import type { SyncRunRecord } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';
import { ApproveRunButton } from './ApproveRunButton';

const CANCELLABLE = new Set(['running', 'awaiting_approval', 'applying']);

/** Approve (a held plan, for those who may) and Cancel (a live or held run) of a sync run. */
export function RunActions() {
  const record = useRecordContext<SyncRunRecord>();
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  // Cancelling is `run` on the source, as the server checks it.
  const { canAccess: canRun } = useCanAccess({ action: 'run', resource: 'directory-sources' });
  if (!record) return <TopToolbar />;
  return (
    <TopToolbar>
      <ApproveRunButton run={record} />
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
