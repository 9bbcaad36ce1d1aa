import { Chip } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { RunStatus } from '../../api/syncTypes';

const COLORS: Record<RunStatus, 'success' | 'warning' | 'error' | 'info' | 'default'> = {
  running: 'info',
  planned: 'default',
  awaiting_approval: 'warning',
  applying: 'info',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'default',
};

/** A run's status as a coloured chip, translated. */
export function RunStatusChip({ status }: { status: RunStatus }) {
  const translate = useTranslate();
  return (
    <Chip
      size="small"
      variant="outlined"
      color={COLORS[status] ?? 'default'}
      label={translate(`app.sync.status.${status}`, { _: status })}
      data-testid="run-status"
    />
  );
}
