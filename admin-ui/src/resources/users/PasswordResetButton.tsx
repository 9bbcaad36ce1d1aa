import LockReset from '@mui/icons-material/LockReset';
import { Alert } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useNotify, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import { problemCode } from '../../api/http';
import type { UserRecord } from '../../api/types';
import { ReasonDialog } from '../../components/ReasonDialog';
import { useAppDataProvider } from '../../dataProviderHook';

/**
 * «Сбросить пароль»: mails a registered password person a one-time link to set a new password.
 * The operator never sees the link, only where it went (`i***@corp.example`). Offered only while
 * mail is configured — otherwise the enrollment link beside it is the way — and only for someone
 * the server would send it for (has credentials, signs in with a password, has an e-mail, is not
 * cut off). Their sessions end when they set the new password, not now.
 */
export function PasswordResetButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useAppDataProvider();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reasonError, setReasonError] = useState<string | undefined>();
  // The same query (and cache) as the enrollment link button: exactly one of them is offered.
  const { data: mail } = useQuery({
    queryKey: ['mail', 'settings'],
    queryFn: () => call('getMailSettings'),
    retry: false,
  });

  const send = async (reason: string) => {
    setBusy(true);
    setReasonError(undefined);
    try {
      const sent = await dataProvider.sendPasswordReset(record.id, reason);
      setAsking(false);
      notify('app.password_reset.sent', { type: 'success', messageArgs: { to: sent.sentTo } });
    } catch (error) {
      const code = problemCode(error);
      if (code === 'reason_required') setReasonError(translate('app.password_reset.reason_help'));
      else {
        setAsking(false);
        notify(code ? `app.password_reset.error.${code}` : String(error), {
          type: 'warning',
          messageArgs: { _: error instanceof Error ? error.message : String(error) },
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const applies =
    record.hasCredentials === true &&
    record.loginMethod === 'password' &&
    record.email !== null &&
    record.status !== 'deactivated' &&
    record.status !== 'suspended';
  // Unknown (settings not read yet, or unreadable): not offered either.
  if (mail?.configured !== true || !applies) return null;
  return (
    <>
      <Button
        label="app.password_reset.action"
        onClick={() => {
          setReasonError(undefined);
          setAsking(true);
        }}
      >
        <LockReset />
      </Button>
      <ReasonDialog
        open={asking}
        title={translate('app.password_reset.title', { name: record.displayName })}
        reason="required"
        busy={busy}
        error={reasonError}
        confirmLabel={translate('app.password_reset.confirm')}
        onConfirm={(reason) => void send(reason)}
        onClose={() => setAsking(false)}
      >
        <Alert severity="info" data-testid="password-reset-help">
          {translate('app.password_reset.help')}
        </Alert>
      </ReasonDialog>
    </>
  );
}
