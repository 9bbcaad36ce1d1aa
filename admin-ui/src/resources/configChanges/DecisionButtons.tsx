import Close from '@mui/icons-material/Close';
import TaskAlt from '@mui/icons-material/TaskAlt';
import { Typography } from '@mui/material';
import { useCanAccess, useGetIdentity, useTranslate } from 'react-admin';
import type { ConfigChangeRecord } from '../../api/configChangeTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

/**
 * Approve and reject of a pending change, for superadmins (`approve` on `ConfigChange`). The
 * requester sees no approve button (the server refuses it: a second person decides) but may
 * withdraw the request; a reason is required either way for a rejection.
 */
export function DecisionButtons({ change }: { change: ConfigChangeRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { identity } = useGetIdentity();
  const { canAccess } = useCanAccess({ action: 'approve', resource: 'config-changes' });
  if (change.status !== 'pending' || !canAccess) return null;
  const mine = identity?.id !== undefined && identity.id === change.requestedById;
  return (
    <>
      {mine ? (
        <Typography variant="body2" color="text.secondary" data-testid="awaits-other">
          {translate('configchange.awaits_other')}
        </Typography>
      ) : (
        <ActionButton
          label={translate('configchange.approve')}
          icon={<TaskAlt />}
          title={translate('configchange.approve_title')}
          help={translate('configchange.approve_help')}
          reason="none"
          confirmLabel={translate('configchange.approve')}
          run={async () => {
            await dataProvider.approveConfigChange(change.id);
            return { message: 'configchange.approved' };
          }}
        />
      )}
      <ActionButton
        label={translate(mine ? 'configchange.withdraw' : 'configchange.reject')}
        icon={<Close />}
        title={translate(mine ? 'configchange.withdraw_title' : 'configchange.reject_title')}
        reason="required"
        confirmLabel={translate(mine ? 'configchange.withdraw' : 'configchange.reject')}
        run={async (reason) => {
          await dataProvider.rejectConfigChange(change.id, reason);
          return { message: 'configchange.rejected' };
        }}
      />
    </>
  );
}
