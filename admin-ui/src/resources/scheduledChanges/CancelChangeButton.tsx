import EventBusy from '@mui/icons-material/EventBusy';
import { useCanAccess, useTranslate } from 'react-admin';
import type { ScheduledChangeRecord } from '../../api/hrTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';
import { ActionButton } from '../users/ActionButton';

/** Whether a scheduled change is still to happen. */
export function isLive(change: Pick<ScheduledChangeRecord, 'cancelledAt' | 'firedAt'>): boolean {
  return change.cancelledAt === null && change.firedAt === null;
}

/** Cancels a live scheduled change after a confirmation (those who may schedule). */
export function CancelChangeButton({ change }: { change: ScheduledChangeRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { date } = useFormat();
  const { canAccess } = useCanAccess({ action: 'delete', resource: 'scheduled-changes' });
  if (!canAccess || !isLive(change)) return null;
  return (
    <ActionButton
      label={translate('app.schedule.cancel')}
      icon={<EventBusy />}
      title={translate('app.schedule.cancel_title', {
        kind: translate(`app.schedule.kind.${change.kind}`),
        name: change.userLabel ?? '',
        date: date(change.effectiveDate),
      })}
      help={translate('app.schedule.cancel_help')}
      reason="none"
      confirmLabel={translate('app.schedule.cancel')}
      run={async () => {
        await dataProvider.cancelScheduledChange(change.id);
        return { message: 'app.schedule.cancelled' };
      }}
    />
  );
}
