import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';

function show(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The `{before, after}` of an event as a table of changed fields, removed and added values marked. */
export function DiffView({ diff }: { diff: AuditEventRecord['diff'] }) {
  const translate = useTranslate();
  const before = diff?.before ?? {};
  const after = diff?.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (fields.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {translate('app.audit.no_changes')}
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={translate('app.audit.diff')} data-testid="diff">
      <TableHead>
        <TableRow>
          <TableCell />
          <TableCell>{translate('app.audit.before')}</TableCell>
          <TableCell>{translate('app.audit.after')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {fields.map((field) => (
          <TableRow key={field}>
            <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>
              {field}
            </TableCell>
            <TableCell sx={{ bgcolor: 'rgba(211,47,47,0.08)', textDecoration: 'line-through' }}>
              {show(before[field])}
            </TableCell>
            <TableCell sx={{ bgcolor: 'rgba(46,125,50,0.10)' }}>{show(after[field])}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
