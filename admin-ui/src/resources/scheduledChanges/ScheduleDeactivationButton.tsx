import EventAvailable from '@mui/icons-material/EventAvailable';
import { TextField } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import type { UserRecord } from '../../api/types';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

/** Today in the browser's zone as YYYY-MM-DD (the earliest date the picker offers). */
function today(): string {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * "Schedule deactivation on…": picks a date and an optional reason; the person is deactivated at
 * the end of that day (in the service's time zone). Shown by the card for those who may.
 */
export function ScheduleDeactivationButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const [date, setDate] = useState('');
  return (
    <ActionButton
      label={translate('app.schedule.schedule_deactivation')}
      icon={<EventAvailable />}
      title={translate('app.schedule.schedule_title', { name: record.displayName })}
      help={translate('app.schedule.schedule_help')}
      reason="optional"
      confirmLabel={translate('app.schedule.schedule')}
      run={async (reason) => {
        if (!date) throw new Error(translate('app.schedule.date_required'));
        await dataProvider.scheduleChange({
          userId: record.id,
          kind: 'deactivate',
          date,
          ...(reason ? { reason } : {}),
        });
        setDate('');
        return { message: 'app.schedule.scheduled' };
      }}
    >
      <TextField
        type="date"
        name="date"
        label={translate('app.schedule.date')}
        value={date}
        onChange={(event) => setDate(event.target.value)}
        required
        fullWidth
        margin="normal"
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: today() } }}
      />
    </ActionButton>
  );
}
