import { Box, Chip } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useFormat } from '../../format';

/** A run's counts (per plan action, entries read…) as small labelled chips; zero counts hidden. */
export function RunCounts({ counts }: { counts: Record<string, number> }) {
  const translate = useTranslate();
  const { number } = useFormat();
  const shown = Object.entries(counts).filter(([, value]) => value !== 0);
  if (shown.length === 0) return <span>—</span>;
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
      {shown.map(([key, value]) => (
        <Chip
          key={key}
          size="small"
          label={`${translate(`app.sync.count.${key}`, { _: key })}: ${number(value)}`}
        />
      ))}
    </Box>
  );
}
