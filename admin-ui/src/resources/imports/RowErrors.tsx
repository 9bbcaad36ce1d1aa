import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { ImportDetails } from '../../api/hrTypes';
import { rowErrorMessage } from '../../api/problemText';

/** The rows of the file that were rejected: row number, column and why. */
export function RowErrors({ details }: { details: ImportDetails }) {
  const translate = useTranslate();
  // The server keeps up to a thousand; the first hundred are enough to fix a file by.
  const errors = (details.rowErrors ?? []).slice(0, 100);
  const total = details.rowErrorCount ?? errors.length;
  const t = (key: string, args?: Record<string, unknown>) => translate(`app.imports.${key}`, args);
  if (total === 0) return <Typography variant="body2">{t('no_row_errors')}</Typography>;
  return (
    <>
      <Table size="small" aria-label={t('row_errors')} data-testid="row-errors">
        <TableHead>
          <TableRow>
            <TableCell>{t('row')}</TableCell>
            <TableCell>{t('column')}</TableCell>
            <TableCell>{t('message')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {errors.map((error) => (
            <TableRow key={`${error.row}\u0000${error.column ?? ''}\u0000${error.message}`}>
              <TableCell>{error.row}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>{error.column ?? '—'}</TableCell>
              <TableCell>{rowErrorMessage(translate, error)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {total > errors.length && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          {t('more_row_errors', { shown: errors.length, total })}
        </Typography>
      )}
    </>
  );
}
