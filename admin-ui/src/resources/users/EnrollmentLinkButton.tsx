import Link from '@mui/icons-material/Link';
import {
  Alert,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Button as MuiButton,
  TextField,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Button, useNotify, useRefresh, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import { problemCode } from '../../api/http';
import type { UserRecord } from '../../api/types';
import { ReasonDialog } from '../../components/ReasonDialog';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';

/**
 * Issues a one-time enrollment link for a back-office person and shows it to copy. For someone
 * who already has credentials the link discloses a way into their account: a dialog warns that
 * it ends all their sessions and is recorded as a credential disclosure, and asks for a reason
 * (the server answers 422 `reason_required` without one, shown at the field). Not offered while
 * mail is configured: the server refuses the link then (409 `mail_configured`), the person is
 * invited by mail instead.
 */
export function EnrollmentLinkButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { dateTime } = useFormat();
  const dataProvider = useAppDataProvider();
  const titleId = useId();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reasonError, setReasonError] = useState<string | undefined>();
  const { data: mail } = useQuery({
    queryKey: ['mail', 'settings'],
    queryFn: () => call('getMailSettings'),
    retry: false,
  });

  const issue = async (reason?: string) => {
    setBusy(true);
    setReasonError(undefined);
    try {
      const issued = await dataProvider.issueEnrollmentLink(record.id, reason);
      setAsking(false);
      setLink(issued);
      // A disclosure ended the person's sessions and is listed on the card: read it again.
      if (reason) refresh();
    } catch (error) {
      if (problemCode(error) === 'reason_required') {
        // The card did not know (or no longer tells) that the person has credentials.
        setAsking(true);
        setReasonError(translate('app.enrollment.reason_required'));
      } else {
        notify(error instanceof Error ? error.message : String(error), { type: 'error' });
      }
    } finally {
      setBusy(false);
    }
  };
  const start = () => {
    if (record.hasCredentials) {
      setReasonError(undefined);
      setAsking(true);
    } else {
      void issue();
    }
  };
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard?.writeText(link.url).catch(() => undefined);
    notify('app.action.copied', { type: 'info' });
  };

  // Unknown (settings not read yet, or unreadable): not offered either.
  if (mail?.configured !== false) return null;
  return (
    <>
      <Button label="app.action.enrollment_link" onClick={start} disabled={busy && !asking}>
        <Link />
      </Button>
      <ReasonDialog
        open={asking}
        title={translate('app.action.enrollment_link_title', { name: record.displayName })}
        reason="required"
        busy={busy}
        error={reasonError}
        confirmLabel={translate('app.enrollment.issue')}
        onConfirm={(reason) => void issue(reason)}
        onClose={() => setAsking(false)}
      >
        <Alert severity="warning" data-testid="disclosure-warning">
          {translate('app.enrollment.disclosure_warning')}
        </Alert>
      </ReasonDialog>
      <Dialog
        open={link !== null}
        onClose={() => setLink(null)}
        aria-labelledby={titleId}
        fullWidth
      >
        <DialogTitle id={titleId}>
          {translate('app.action.enrollment_link_title', { name: record.displayName })}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            {translate('app.action.enrollment_link_help', { expires: dateTime(link?.expiresAt) })}
          </DialogContentText>
          <TextField
            label="URL"
            value={link?.url ?? ''}
            fullWidth
            margin="normal"
            slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'enrollment-url' } }}
            onFocus={(event) => event.target.select()}
          />
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={copy}>{translate('app.action.copy')}</MuiButton>
          <MuiButton variant="contained" onClick={() => setLink(null)}>
            {translate('ra.action.close')}
          </MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
}
