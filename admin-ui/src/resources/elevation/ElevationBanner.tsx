import { Alert } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useIsAuthPending, useLocale, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import { formatDateTime } from '../../format';
import { useScopeText } from './Duration';

const POLL_MS = 60_000;
const TICK_MS = 15_000;

/**
 * Shown while the signed-in person acts with a time-bound role: which, where, and until when
 * (in the company's time zone). The server's answer is the authority; the banner also hides
 * itself once the end has passed on this clock, between two polls.
 */
export function ElevationBanner() {
  const translate = useTranslate();
  const locale = useLocale();
  const scope = useScopeText();
  const authPending = useIsAuthPending({ action: 'list', resource: 'elevation-requests' });
  const { data } = useQuery({
    queryKey: ['me', 'elevation'],
    queryFn: () => call('getMyElevation'),
    refetchInterval: POLL_MS,
    enabled: !authPending,
    retry: false,
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const active = (data?.data ?? []).filter((grant) => Date.parse(grant.expiresAt) > now);
  if (active.length === 0) return null;
  return (
    <Alert severity="warning" sx={{ mb: 1 }} data-testid="elevation-banner" role="status">
      {active
        .map((grant) =>
          translate('elevation.banner', {
            role: translate(`app.role.${grant.role}`),
            scope: scope(grant.scope),
            until: formatDateTime(grant.expiresAt, locale),
          }),
        )
        .join(' · ')}
    </Alert>
  );
}
