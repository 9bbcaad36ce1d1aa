import { Box, Typography } from '@mui/material';
import type { PlanItem } from '../../api/syncTypes';

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A plan item's attribute diff, one line per field: `field: from → to`. */
export function PlanDiff({ diff }: { diff: PlanItem['diff'] }) {
  const fields = Object.keys(diff);
  if (fields.length === 0) return <span>—</span>;
  return (
    <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0 }}>
      {fields.map((field) => (
        <Typography key={field} component="li" variant="body2">
          <Box component="span" sx={{ fontFamily: 'monospace', mr: 1 }}>
            {field}:
          </Box>
          <Box component="span" sx={{ color: 'error.main', textDecoration: 'line-through' }}>
            {show(diff[field]?.from)}
          </Box>
          {' → '}
          <Box component="span" sx={{ color: 'success.main' }}>
            {show(diff[field]?.to)}
          </Box>
        </Typography>
      ))}
    </Box>
  );
}
