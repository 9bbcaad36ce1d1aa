import { Button, Stack } from '@mui/material';
import { useState } from 'react';
import { useGetIdentity, useNotify, useRefresh, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import { ReasonDialog } from '../../components/ReasonDialog';
import { useAbility } from '../../providers/useAbility';
import type { ElevationRequestRecord } from './types';

type Decision = 'approve' | 'reject';

/**
 * Approve / reject of a pending request, for superadmins other than the requester: the buttons
 * are absent on one's own request (four eyes), and the server refuses it anyway (403
 * `second_approver_required`). Rejecting needs a reason; approving may carry one.
 */
export function DecideButtons({ record }: { record: ElevationRequestRecord }) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const ability = useAbility();
  const { identity } = useGetIdentity();
  const [open, setOpen] = useState<Decision | null>(null);
  const [busy, setBusy] = useState(false);
  if (record.status !== 'pending' || !ability.can('approve', 'ElevationRequest')) return null;
  if (!identity || identity.id === record.requester.id) return null;
  const decide = async (decision: Decision, reason: string) => {
    setBusy(true);
    try {
      const request = { params: { id: record.id }, body: reason ? { reason } : {} };
      if (decision === 'approve') await call('approveElevationRequest', request);
      else await call('rejectElevationRequest', request);
      notify(decision === 'approve' ? 'elevation.approved' : 'elevation.rejected', {
        type: 'success',
      });
      setOpen(null);
      refresh();
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack direction="row" spacing={1} onClick={(event) => event.stopPropagation()}>
      <Button size="small" variant="contained" onClick={() => setOpen('approve')}>
        {translate('elevation.approve')}
      </Button>
      <Button size="small" color="error" onClick={() => setOpen('reject')}>
        {translate('elevation.reject')}
      </Button>
      <ReasonDialog
        open={open !== null}
        title={translate(open === 'reject' ? 'elevation.reject_title' : 'elevation.approve_title', {
          name: record.requester.displayName,
        })}
        help={translate(open === 'reject' ? 'elevation.reject_help' : 'elevation.approve_help')}
        reason={open === 'reject' ? 'required' : 'optional'}
        confirmLabel={translate(open === 'reject' ? 'elevation.reject' : 'elevation.approve')}
        busy={busy}
        onConfirm={(reason) => {
          if (open) void decide(open, reason);
        }}
        onClose={() => setOpen(null)}
      />
    </Stack>
  );
}
