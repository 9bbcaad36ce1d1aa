import Block from '@mui/icons-material/Block';
import CheckCircle from '@mui/icons-material/CheckCircle';
import KeyOff from '@mui/icons-material/KeyOff';
import Logout from '@mui/icons-material/Logout';
import PauseCircle from '@mui/icons-material/PauseCircle';
import { EditButton, useRecordContext, useTranslate } from 'react-admin';
import type { UserRecord } from '../../api/types';
import { ActionsToolbar } from '../../components/responsive';
import { useAppDataProvider } from '../../dataProviderHook';
import { userSubject } from '../../providers/ability';
import { useAbility } from '../../providers/useAbility';
import { ScheduleDeactivationButton } from '../scheduledChanges/ScheduleDeactivationButton';
import { ActionButton } from './ActionButton';
import { AddressHoldButton } from './AddressHoldButton';
import { EnrollmentLinkButton } from './EnrollmentLinkButton';
import { InvitationButtons } from './InvitationButtons';
import { LoginMethodButton } from './LoginMethodButton';
import { PasswordResetButton } from './PasswordResetButton';
import { RoleButton } from './RoleButton';

/**
 * The actions on a person's card, each shown only when the rules allow it on this person; on a
 * phone they collapse into one «Actions» menu.
 */
export function UserActions() {
  const record = useRecordContext<UserRecord>();
  const ability = useAbility();
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  if (!record) return null;
  const target = userSubject(record);
  const can = (action: string) => ability.can(action, target);
  const name = record.displayName;
  // For a suspended person, activating reads "Lift suspension" (the same request).
  const lifting = record.status === 'suspended';
  const activate = lifting ? 'lift_suspension' : 'activate';
  return (
    <ActionsToolbar label={translate('app.layout.actions_for', { name })}>
      {can('update') && <EditButton />}
      {record.status !== 'deactivated' && can('deactivate') && (
        <ActionButton
          label="app.action.deactivate"
          icon={<Block />}
          title={translate('app.action.deactivate_title', { name })}
          reason="required"
          confirmLabel={translate('app.action.deactivate')}
          run={async (reason) => {
            await dataProvider.deactivate(record.id, reason);
            return { message: 'app.action.deactivated' };
          }}
        />
      )}
      {record.status !== 'deactivated' &&
        can('deactivate') &&
        ability.can('create', 'ScheduledChange') && <ScheduleDeactivationButton record={record} />}
      {(record.status === 'pending' || record.status === 'active') && can('suspend') && (
        <ActionButton
          label="app.action.suspend"
          icon={<PauseCircle />}
          title={translate('app.action.suspend_title', { name })}
          help={translate('app.action.suspend_help')}
          reason="required"
          confirmLabel={translate('app.action.suspend')}
          run={async (reason) => {
            await dataProvider.suspend(record.id, reason);
            return { message: 'app.action.suspended' };
          }}
        />
      )}
      {record.status !== 'active' && can('activate') && (
        <ActionButton
          label={`app.action.${activate}`}
          icon={<CheckCircle />}
          title={translate(`app.action.${activate}_title`, { name })}
          reason="optional"
          confirmLabel={translate(`app.action.${activate}`)}
          run={async (reason) => {
            await dataProvider.activate(record.id, reason || undefined);
            return { message: lifting ? 'app.action.suspension_lifted' : 'app.action.activated' };
          }}
        />
      )}
      {can('changeLoginMethod') && <LoginMethodButton record={record} />}
      <AddressHoldButton record={record} canApprove={can('approveAddress')} />
      {ability.can('grant', 'RoleGrant') && <RoleButton record={record} />}
      {can('reset2fa') && (
        <ActionButton
          label="app.action.reset_2fa"
          icon={<KeyOff />}
          title={translate('app.action.reset_2fa_title', { name })}
          help={translate('app.action.reset_2fa_help')}
          reason="required"
          run={async (reason) => {
            const result = await dataProvider.resetSecondFactor(record.id, reason);
            const sessions =
              Number(result.deviceSessionsRevoked ?? 0) +
              Number(result.backofficeSessionsRevoked ?? 0);
            return { message: 'app.action.reset_2fa_done', args: { sessions } };
          }}
        />
      )}
      {can('revokeSessions') && (
        <ActionButton
          label="app.action.revoke_all"
          icon={<Logout />}
          title={translate('app.action.revoke_all_title', { name })}
          reason="required"
          run={async (reason) => {
            const result = await dataProvider.revokeAllSessions(record.id, reason);
            const count =
              (result.deviceSessionsRevoked ?? 0) + (result.backofficeSessionsRevoked ?? 0);
            return { message: 'app.action.revoked_all', args: { count } };
          }}
        />
      )}
      {can('invite') && (
        <InvitationButtons record={record} canShowLink={can('showInvitationLink')} />
      )}
      {record.role !== null && can('issueEnrollmentLink') && (
        <EnrollmentLinkButton record={record} />
      )}
      {/* Only one of the two is ever offered: the link without mail, the mailed reset with it. */}
      {can('issueEnrollmentLink') && <PasswordResetButton record={record} />}
    </ActionsToolbar>
  );
}
