import Download from '@mui/icons-material/Download';
import { Button } from '@mui/material';
import { useLocale, useTranslate } from 'react-admin';
import { API_BASE } from '../../api/http';
import { queryString } from '../../api/paths';

/**
 * A download link of an access export (CSV, in the console's language). The server streams the
 * file, applies the caller's scope and audits the export.
 */
export function ExportLink({
  path,
  params = {},
  testId,
}: {
  path: string;
  params?: Record<string, unknown>;
  testId: string;
}) {
  const translate = useTranslate();
  const locale = useLocale();
  const href = `${API_BASE}${path}${queryString({ ...params, lang: locale === 'en' ? 'en' : 'ru' })}`;
  return (
    <Button size="small" href={href} download startIcon={<Download />} data-testid={testId}>
      {translate('access.export_csv')}
    </Button>
  );
}
