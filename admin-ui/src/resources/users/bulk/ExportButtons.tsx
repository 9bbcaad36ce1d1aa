import Download from '@mui/icons-material/Download';
import { Button } from '@mui/material';
import { useLocale, useTranslate } from 'react-admin';
import { operationUrl } from '../../../api/call';
import { useListFilter } from './selection';

/**
 * Download links of the people list as filtered now, as CSV (opens in Excel with Cyrillic
 * intact) or XLSX; the server streams the file and audits the export.
 */
export function ExportButtons() {
  const translate = useTranslate();
  const locale = useLocale();
  const filter = useListFilter();
  const href = (format: 'csv' | 'xlsx') =>
    operationUrl('exportUsers', {
      query: { ...filter, format, lang: locale === 'en' ? 'en' : 'ru' },
    });
  return (
    <>
      {(['csv', 'xlsx'] as const).map((format) => (
        <Button
          key={format}
          size="small"
          href={href(format)}
          download
          startIcon={<Download />}
          data-testid={`people-export-${format}`}
        >
          {translate(`bulkjob.export_${format}`)}
        </Button>
      ))}
    </>
  );
}
