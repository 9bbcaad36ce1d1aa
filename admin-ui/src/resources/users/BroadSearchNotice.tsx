import { Alert } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';

/**
 * Says that a broad search shows only part of its matches: the server stopped reading matches
 * (`totalIsEstimate`, docs/api.md) and the list pages without a total. Without it, the first
 * page of «Иванов» sorted by name could look like every match.
 */
export function BroadSearchNotice() {
  const { total, filterValues, isPending } = useListContext();
  const translate = useTranslate();
  const searching = Boolean((filterValues as { q?: string } | undefined)?.q);
  if (isPending || total !== undefined || !searching) return null;
  return (
    <Alert severity="info" data-testid="broad-search-notice" sx={{ mx: 1, my: 1 }}>
      {translate('app.broad_search')}
    </Alert>
  );
}
