import { Box, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { PlanItem } from '../../api/syncTypes';

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '∅';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(show).join(', ');
  return JSON.stringify(value);
}

/** The fields of a new person worth showing: set, and not the source's bookkeeping flags. */
function shownFields(record: Record<string, unknown>): [string, unknown][] {
  return Object.entries(record).filter(
    ([field, value]) =>
      // Where the row is and the source's key are in the person column and the note already.
      field !== 'locator' &&
      !(field === 'externalId' && value === record.employeeId) &&
      value !== null &&
      value !== undefined &&
      value !== '' &&
      typeof value !== 'boolean' &&
      !(Array.isArray(value) && value.length === 0),
  );
}

/**
 * A plan item's attribute diff, one line per field: `field: from → to`; for a person to be
 * created (no diff), the values they are created with.
 */
export function PlanDiff({
  diff,
  record,
}: {
  diff: PlanItem['diff'];
  record?: PlanItem['record'];
}) {
  const translate = useTranslate();
  // A person's field by its name in the card, else in the import mapping, else in the audit's
  // words for fields (organization, spaces, employee number), else as is.
  const name = (field: string) =>
    translate(`resources.users.fields.${field}`, {
      _: translate(`app.imports.field.${field}`, {
        _: translate(`app.audit_field.${field}`, { _: field }),
      }),
    });
  const fields = Object.keys(diff);
  if (fields.length === 0 && record) {
    const values = shownFields(record);
    if (values.length > 0) {
      return (
        <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0 }}>
          {values.map(([field, value]) => (
            <Typography key={field} component="li" variant="body2">
              <Box component="span" sx={{ color: 'text.secondary', mr: 1 }}>
                {name(field)}:
              </Box>
              <Box component="span" sx={{ color: 'success.main' }}>
                {show(value)}
              </Box>
            </Typography>
          ))}
        </Box>
      );
    }
  }
  if (fields.length === 0) return <span>—</span>;
  return (
    <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0 }}>
      {fields.map((field) => (
        <Typography key={field} component="li" variant="body2">
          <Box component="span" sx={{ color: 'text.secondary', mr: 1 }}>
            {name(field)}:
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
