import TaskAlt from '@mui/icons-material/TaskAlt';
import { useCanAccess, useTranslate } from 'react-admin';
import { safetyMessage } from '../../api/problemText';
import type { SyncRunRecord } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

/**
 * Approves a plan held by the safety threshold (a sync run or an import), for those the rules
 * allow (`approve` on `SyncRun`); nothing for a run that is not held.
 */
export function ApproveRunButton({
  run,
}: {
  run: Pick<SyncRunRecord, 'id' | 'status' | 'safety' | 'safetyCode' | 'safetyParams'>;
}) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { canAccess } = useCanAccess({ action: 'approve', resource: 'sync-runs' });
  if (run.status !== 'awaiting_approval' || !canAccess) return null;
  return (
    <ActionButton
      label={translate('app.sync.approve')}
      icon={<TaskAlt />}
      title={translate('app.sync.approve_title')}
      help={translate('app.sync.approve_help', { safety: safetyMessage(translate, run) })}
      reason="none"
      confirmLabel={translate('app.sync.approve')}
      run={async () => {
        await dataProvider.approveRun(run.id);
        return { message: 'app.sync.approved' };
      }}
    />
  );
}
