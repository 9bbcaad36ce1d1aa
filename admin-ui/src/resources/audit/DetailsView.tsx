import { Box, Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useAuditWords } from './labels';

/** Whether a value reads as one line of words (not a nested structure). */
function isFlat(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object');
}

/** A plain object whose values are all flat: shown as lines of words. */
function isFlatRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(isFlat)
  );
}

/**
 * An event's `details` as a table: each key in words, flat values as words (statuses, doors,
 * dates, yes/no); a nested set of counts as lines «label: value»; anything deeper (the steps of
 * a connection test) as indented JSON.
 */
export function DetailsView({
  details,
  targetType,
}: {
  details: Record<string, unknown>;
  targetType?: string | null;
}) {
  const words = useAuditWords();
  return (
    <Table size="small" data-testid="details">
      <TableBody>
        {Object.entries(details).map(([key, value]) => (
          <TableRow key={key}>
            <TableCell component="th" scope="row" sx={{ width: '40%', verticalAlign: 'top' }}>
              {words.detail(key)}
            </TableCell>
            <TableCell sx={{ wordBreak: 'break-word' }}>
              {isFlat(value) ? (
                words.value(key, value, targetType)
              ) : isFlatRecord(value) ? (
                Object.entries(value).map(([inner, innerValue]) => (
                  <div key={inner}>
                    {words.detail(inner)}: {words.value(inner, innerValue, targetType)}
                  </div>
                ))
              ) : (
                <Box component="pre" sx={{ fontSize: 12, whiteSpace: 'pre-wrap', m: 0 }}>
                  {JSON.stringify(value, null, 2)}
                </Box>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
