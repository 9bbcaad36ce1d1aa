import VerifiedUser from '@mui/icons-material/VerifiedUser';
import { Chip, Tooltip } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslate } from 'react-admin';
import { call } from '../../api/call';
import type { UserRecord } from '../../api/types';
import { useFormat } from '../../format';
import { ActionButton } from './ActionButton';

/**
 * A delivery address (e-mail, phone) changed by hand in the last 24 h holds one-time codes and
 * invitations (issue 14, scope 4). The card says so, and offers a second person the approval;
 * the server refuses whoever made the change (403 `second_approver_required`).
 */
export function AddressHoldButton({
  record,
  canApprove,
}: {
  record: UserRecord;
  canApprove: boolean;
}) {
  const translate = useTranslate();
  const format = useFormat();
  const queryClient = useQueryClient();
  const params = { id: String(record.id) };
  const queryKey = ['users', record.id, 'delivery-address', record.version];
  const { data } = useQuery({
    queryKey,
    queryFn: () => call('getHeldAddresses', { params }),
    retry: false,
  });
  const held = data?.held ?? [];
  if (held.length === 0) return null;
  const fields = held.map((hold) => translate(`app.address_hold.field.${hold.field}`)).join(', ');
  const until = format.dateTime(
    held
      .map((hold) => hold.heldUntil)
      .sort()
      .at(-1) ?? null,
  );
  return (
    <>
      <Tooltip title={translate('app.address_hold.help')}>
        <Chip
          color="warning"
          size="small"
          sx={{ alignSelf: 'center' }}
          label={translate('app.address_hold.held', { fields, until })}
        />
      </Tooltip>
      {canApprove && (
        <ActionButton
          label="app.address_hold.approve"
          icon={<VerifiedUser />}
          title={translate('app.address_hold.approve_title', { name: record.displayName })}
          help={translate('app.address_hold.approve_help', { fields })}
          reason="none"
          run={async () => {
            await call('approveDeliveryAddress', { params });
            await queryClient.invalidateQueries({ queryKey });
            return { message: 'app.address_hold.approved' };
          }}
        />
      )}
    </>
  );
}
