import { Alert } from '@mui/material';
import { useTranslate } from 'react-admin';

/**
 * Tells the superadmin on a source's form that the change may wait: with more than one active
 * superadmin it takes effect only once another one approves it («Изменения настроек»).
 */
export function DualControlNotice() {
  const translate = useTranslate();
  return (
    <Alert severity="info" sx={{ mx: 2, mt: 2 }} data-testid="dual-control-notice">
      {translate('configchange.form_notice')}
    </Alert>
  );
}
