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
import { call } from '../../api/call';
import type { ApiResponses } from '../../api/generated/openapi';
import { problemCode } from '../../api/http';
import type { UserRecord } from '../../api/types';

type Invitation = ApiResponses['getInvitation'];
type ShownLink = ApiResponses['showInvitationLink'];

/** What the card's buttons do to an invitation. */
type InvitationAction =
  | 'inviteUser'
  | 'resendInvitation'
  | 'approveInvitation'
  | 'revokeInvitation';

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
  const params = { id: String(record.id) };
  // A query of its own (not a one-off fetch): the console's refresh button and a return to the
  // card read it again, so a registration the person just finished shows without a page reload.
  const queryKey = ['users', record.id, 'invitation'];
  const { data: state } = useQuery({
    queryKey,
    queryFn: () => call('getInvitation', { params }),
    retry: false,
  });
  const setState = (next: Invitation) => queryClient.setQueryData(queryKey, next);
  const load = () => queryClient.invalidateQueries({ queryKey });
  // The server refuses the link while mail is configured (409 `mail_configured`); the console
  // does not offer it then either. Unknown (the settings unreadable): not offered.
  const { data: mail } = useQuery({
    queryKey: ['mail', 'settings'],
    queryFn: () => call('getMailSettings'),
    enabled: canShowLink,
    retry: false,
  });
  const mailConfigured = mail ? mail.configured : null;

  const send = (action: InvitationAction): Promise<Invitation> => {
    if (action === 'approveInvitation') return call(action, { params });
    return call(action, { params, body: {} });
  };
  const run = async (action: InvitationAction, done: string) => {
    try {
      setState(await send(action));
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
      setLink(await call('showInvitationLink', { params, body: {} }));
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
        <Button
          startIcon={<Send />}
          size="small"
          onClick={() => run('inviteUser', 'app.invitation.sent')}
        >
          {translate('app.invitation.invite')}
        </Button>
      )}
      {open && (
        <Button size="small" onClick={() => run('resendInvitation', 'app.invitation.sent')}>
          {translate('app.invitation.resend')}
        </Button>
      )}
      {state.status === 'held' && (
        <Button size="small" onClick={() => run('approveInvitation', 'app.invitation.sent')}>
          {translate('app.invitation.approve')}
        </Button>
      )}
      {(open || state.status === 'held') && (
        <Button size="small" onClick={() => run('revokeInvitation', 'app.invitation.revoked')}>
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
