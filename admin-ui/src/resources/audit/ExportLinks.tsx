import Download from '@mui/icons-material/Download';
import { Button } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';
import { API_BASE } from '../../api/http';
import { queryString } from '../../api/paths';
import { RESOURCES } from '../../providers/resources';

/** Links that download the filtered audit log as CSV or NDJSON (streamed by the server). */
export function ExportLinks() {
  const { filterValues } = useListContext();
  const translate = useTranslate();
  const allowed = RESOURCES['audit-events']?.filters ?? [];
  const filters = Object.fromEntries(
    Object.entries(filterValues as Record<string, unknown>).filter(([key]) =>
      allowed.includes(key),
    ),
  );
  const href = (format: string) =>
    `${API_BASE}/audit-events/export${queryString({ ...filters, format })}`;
  return (
    <>
      {(['csv', 'ndjson'] as const).map((format) => (
        <Button
          key={format}
          size="small"
          href={href(format)}
          download={`audit.${format}`}
          startIcon={<Download />}
          data-testid={`export-${format}`}
        >
          {translate(`app.action.export_${format}`)}
        </Button>
      ))}
    </>
  );
}
