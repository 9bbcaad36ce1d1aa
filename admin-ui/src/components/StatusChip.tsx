import { Chip } from '@mui/material';
import { useTranslate } from 'react-admin';

/** The colour of each person status: each one distinct at a glance. */
export const STATUS_COLORS: Record<string, 'success' | 'warning' | 'error' | 'default'> = {
  active: 'success',
  pending: 'warning',
  suspended: 'error',
  deactivated: 'default',
};

/** A person's status as a small translated chip (`app.status.<status>`). */
export function StatusChip({ status, testId }: { status: string; testId?: string }) {
  const translate = useTranslate();
  return (
    <Chip
      size="small"
      variant="outlined"
      color={STATUS_COLORS[status] ?? 'default'}
      label={translate(`app.status.${status}`, { _: status })}
      data-testid={testId}
    />
  );
}
