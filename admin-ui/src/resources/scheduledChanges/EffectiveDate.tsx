import { Box, Typography } from '@mui/material';
import type { ScheduledChangeRecord } from '../../api/hrTypes';
import { useFormat } from '../../format';

/**
 * When a scheduled change takes effect: the calendar date (as HR gave it) and, below, the exact
 * instant it fires, in the company's time zone with its offset (the end of that day there).
 */
export function EffectiveDate({
  change,
}: {
  change: Pick<ScheduledChangeRecord, 'effectiveDate' | 'effectiveAt'>;
}) {
  const { date, instant } = useFormat();
  return (
    <Box>
      <Typography variant="body2" component="div">
        {date(change.effectiveDate)}
      </Typography>
      <Typography
        variant="caption"
        color="text.secondary"
        component="time"
        dateTime={change.effectiveAt}
      >
        {instant(change.effectiveAt)}
      </Typography>
    </Box>
  );
}
