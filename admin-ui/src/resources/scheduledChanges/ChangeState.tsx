import { Chip, Tooltip } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { ScheduledChangeRecord } from '../../api/hrTypes';
import { reasonText } from '../../components/serviceReason';
import { useFormat } from '../../format';

/** Live, done (with its outcome) or cancelled, as a chip; the details in its tooltip. */
export function ChangeState({ change }: { change: ScheduledChangeRecord }) {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  const t = (key: string, args?: Record<string, unknown>) => translate(`app.schedule.${key}`, args);
  if (change.cancelledAt) {
    return (
      <Tooltip title={t('cancelled_at', { at: dateTime(change.cancelledAt) })}>
        <Chip size="small" variant="outlined" label={t('state.cancelled')} />
      </Tooltip>
    );
  }
  if (change.firedAt) {
    const outcome = [
      change.outcome && t(`outcome.${change.outcome}`, { _: change.outcome }),
      reasonText(change.outcomeReason, translate),
    ]
      .filter(Boolean)
      .join(': ');
    return (
      <Tooltip title={`${t('fired_at', { at: dateTime(change.firedAt) })} ${outcome}`}>
        <Chip size="small" variant="outlined" color="success" label={t('state.fired')} />
      </Tooltip>
    );
  }
  return <Chip size="small" variant="outlined" color="warning" label={t('state.live')} />;
}
