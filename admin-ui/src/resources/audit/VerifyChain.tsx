import { Alert, Box, Button, Card, CardContent, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import type { ApiResponses } from '../../api/generated/openapi';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';
import { SiemStatus } from './SiemStatus';

type VerifyResult = ApiResponses['verifyAuditEvents'];

/** The chain's verification status, checked on demand (`POST /audit-events/verify`). */
export function VerifyChain() {
  const translate = useTranslate();
  const { number } = useFormat();
  const dataProvider = useAppDataProvider();
  const { canAccess } = useCanAccess({ action: 'verify', resource: 'audit-events' });
  const verify = useMutation({
    mutationFn: () => dataProvider.verifyAudit() as Promise<VerifyResult>,
  });
  if (!canAccess) return null;
  const result = verify.data;
  return (
    <Card sx={{ width: 260, ml: 2, mt: 8, flexShrink: 0 }} component="aside">
      <CardContent>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
          {translate('app.audit.chain')}
        </Typography>
        <Box sx={{ my: 1 }} data-testid="chain-status" role="status">
          {verify.isError && <Alert severity="error">{String(verify.error.message)}</Alert>}
          {!result && !verify.isError && (
            <Typography variant="body2" color="text.secondary">
              {translate('app.audit.chain_unknown')}
            </Typography>
          )}
          {result?.ok && (
            <Alert severity="success">
              {translate('app.audit.chain_ok', { checked: number(result.checked) })}
            </Alert>
          )}
          {result && !result.ok && (
            <Alert severity="error">
              {translate('app.audit.chain_broken', {
                seq: result.firstProblem?.seq ?? '?',
                problem: result.firstProblem?.detail ?? '',
              })}
            </Alert>
          )}
        </Box>
        <Button
          variant="outlined"
          size="small"
          disabled={verify.isPending}
          onClick={() => verify.mutate()}
        >
          {translate('app.action.verify')}
        </Button>
        <SiemStatus />
      </CardContent>
    </Card>
  );
}
