import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';
import { useAuditWords } from './labels';

/**
 * The `{before, after}` of an event as a table of changed fields, removed and added values
 * marked. Field names and coded values (statuses, roles, login methods…) are shown as words
 * (the codes are in the export, for those who search the SIEM by them).
 */
export function DiffView({
  diff,
  targetType,
}: {
  diff: AuditEventRecord['diff'];
  targetType?: string | null;
}) {
  const translate = useTranslate();
  const words = useAuditWords();
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
            <TableCell component="th" scope="row">
              {words.field(field)}
            </TableCell>
            <TableCell sx={{ bgcolor: 'rgba(211,47,47,0.08)', textDecoration: 'line-through' }}>
              {words.value(field, before[field], targetType)}
            </TableCell>
            <TableCell sx={{ bgcolor: 'rgba(46,125,50,0.10)' }}>
              {words.value(field, after[field], targetType)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
