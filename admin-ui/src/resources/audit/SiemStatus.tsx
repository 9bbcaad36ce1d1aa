import { Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import { useFormat } from '../../format';

/** One line on the audit page: how far the SIEM stream has got (`GET /audit/siem`). */
export function SiemStatus() {
  const translate = useTranslate();
  const { number } = useFormat();
  const { canAccess } = useCanAccess({ action: 'read', resource: 'siem-stream' });
  const status = useQuery({
    queryKey: ['siem-status'],
    queryFn: () => call('getSiemStatus'),
    enabled: canAccess === true,
  });
  const data = status.data;
  // Not configured: nothing to say (the stream is an operator's choice in the file).
  if (!canAccess || !data?.configured) return null;
  return (
    <Typography variant="body2" sx={{ mt: 2 }} data-testid="siem-status" role="status">
      {data.lastError && !data.connected
        ? translate('app.audit.siem_error', { error: data.lastError })
        : translate('app.audit.siem', {
            cursor: number(Number(data.cursorSeq)),
            head: number(Number(data.headSeq)),
            lag: number(Number(data.lag)),
          })}
    </Typography>
  );
}
