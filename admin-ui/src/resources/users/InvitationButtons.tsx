import Send from '@mui/icons-material/Send';
import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import type { ApiResponses } from '../../api/generated/openapi';
import { api, problemCode } from '../../api/http';
import type { UserRecord } from '../../api/types';

type Invitation = ApiResponses['getInvitation'];
type ShownLink = ApiResponses['showInvitationLink'];

/**
 * The invitation on a person's card: its status, and Invite / Resend / Revoke / Approve, plus
 * "Show link" only while the service cannot send mail (the server refuses it when it can, and the
 * button is not offered then). The link is shown beside the warning why that is weaker.
 */
export function InvitationButtons({
  record,
  canShowLink,
}: {
  record: UserRecord;
  canShowLink: boolean;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [link, setLink] = useState<ShownLink | null>(null);
  const base = `/users/${encodeURIComponent(String(record.id))}/invitation`;
  // A query of its own (not a one-off fetch): the console's refresh button and a return to the
  // card read it again, so a registration the person just finished shows without a page reload.
  const queryKey = ['users', record.id, 'invitation'];
  const { data: state } = useQuery({
    queryKey,
    queryFn: () => api<Invitation>('GET', base),
    retry: false,
  });
  const setState = (next: Invitation) => queryClient.setQueryData(queryKey, next);
  const load = () => queryClient.invalidateQueries({ queryKey });
  // The server refuses the link while mail is configured (409 `mail_configured`); the console
  // does not offer it then either. Unknown (the settings unreadable): not offered.
  const { data: mail } = useQuery({
    queryKey: ['mail', 'settings'],
    queryFn: () => api<ApiResponses['getMailSettings']>('GET', '/mail/settings'),
    enabled: canShowLink,
    retry: false,
  });
  const mailConfigured = mail ? mail.configured : null;

  const run = async (path: string, done: string) => {
    try {
      setState(await api<Invitation>('POST', `${base}${path}`, {}));
      notify(done, { type: 'success' });
    } catch (caught) {
      const code = problemCode(caught);
      notify(code ? `app.invitation.error.${code}` : String(caught), {
        type: 'warning',
        messageArgs: { _: caught instanceof Error ? caught.message : String(caught) },
      });
    }
  };
  const showLink = async () => {
    try {
      setLink(await api<ShownLink>('POST', `${base}/link`, {}));
      load();
    } catch (caught) {
      const code = problemCode(caught);
      notify(code ? `app.invitation.error.${code}` : String(caught), {
        type: 'warning',
        messageArgs: { _: caught instanceof Error ? caught.message : String(caught) },
      });
    }
  };
  if (!state) return null;
  const open = state.status === 'invited' || state.status === 'expired';
  return (
    <Box sx={{ display: 'inline-flex', gap: 1, alignItems: 'center' }} data-testid="invitation">
      <Chip size="small" label={translate(`app.invitation.status.${state.status}`)} />
      {(state.status === 'not_invited' || state.status === 'revoked') && (
        <Button startIcon={<Send />} size="small" onClick={() => run('', 'app.invitation.sent')}>
          {translate('app.invitation.invite')}
        </Button>
      )}
      {open && (
        <Button size="small" onClick={() => run('/resend', 'app.invitation.sent')}>
          {translate('app.invitation.resend')}
        </Button>
      )}
      {state.status === 'held' && (
        <Button size="small" onClick={() => run('/approve', 'app.invitation.sent')}>
          {translate('app.invitation.approve')}
        </Button>
      )}
      {(open || state.status === 'held') && (
        <Button size="small" onClick={() => run('/revoke', 'app.invitation.revoked')}>
          {translate('app.invitation.revoke')}
        </Button>
      )}
      {canShowLink && mailConfigured === false && state.status !== 'registered' && (
        <Button size="small" onClick={showLink}>
          {translate('app.invitation.show_link')}
        </Button>
      )}
      <Dialog open={link !== null} onClose={() => setLink(null)} maxWidth="sm" fullWidth>
        <DialogTitle>{translate('app.invitation.link_title')}</DialogTitle>
        <DialogContent>
          <Alert severity="warning" sx={{ mb: 2 }}>
            {translate('app.invitation.link_warning')}
          </Alert>
          <Box component="code" sx={{ wordBreak: 'break-all' }} data-testid="invitation-link">
            {link?.url}
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setLink(null)}>{translate('ra.action.close')}</Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
