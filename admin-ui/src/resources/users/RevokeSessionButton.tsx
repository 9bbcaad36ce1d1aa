import Logout from '@mui/icons-material/Logout';
import { useState } from 'react';
import {
  Button,
  useDataProvider,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import type { SessionRecord } from '../../api/types';
import { ReasonDialog } from '../../components/ReasonDialog';

/** Revokes one live session after a confirmation with a reason (the server requires one). */
export function RevokeSessionButton() {
  const record = useRecordContext<SessionRecord>();
  const dataProvider = useDataProvider();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!record?.live) return null;

  const confirm = async (reason: string) => {
    setBusy(true);
    try {
      await dataProvider.delete('user-sessions', {
        id: record.id,
        previousData: record,
        meta: { reason },
      });
      notify('app.action.revoked', { type: 'success' });
      setOpen(false);
      refresh();
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button label="app.action.revoke" onClick={() => setOpen(true)}>
        <Logout />
      </Button>
      <ReasonDialog
        open={open}
        title={translate('app.action.revoke_title')}
        help={[record.deviceName, record.platform, record.ip].filter(Boolean).join(' · ')}
        reason="required"
        reasonHelp={translate('app.safety.revoke_reason_help')}
        busy={busy}
        confirmLabel={translate('app.action.revoke')}
        onConfirm={confirm}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
