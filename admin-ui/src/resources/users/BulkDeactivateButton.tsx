import Block from '@mui/icons-material/Block';
import { useState } from 'react';
import {
  Button,
  useListContext,
  useNotify,
  useRefresh,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import { ReasonDialog } from '../../components/ReasonDialog';
import { useAppDataProvider } from '../../dataProviderHook';

/** Deactivates the selected people with one reason; reports how many the server refused. */
export function BulkDeactivateButton() {
  const { selectedIds } = useListContext();
  const dataProvider = useAppDataProvider();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll('users');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  const confirm = async (reason: string) => {
    setBusy(true);
    const results = await Promise.allSettled(
      selectedIds.map((id) => dataProvider.deactivate(id, reason)),
    );
    const failed = results.filter((result) => result.status === 'rejected').length;
    notify('app.action.deactivated_many', {
      type: failed > 0 ? 'warning' : 'success',
      messageArgs: { ok: results.length - failed, failed },
    });
    setBusy(false);
    setOpen(false);
    unselectAll();
    refresh();
  };

  return (
    <>
      <Button label="app.action.deactivate" onClick={() => setOpen(true)}>
        <Block />
      </Button>
      <ReasonDialog
        open={open}
        title={translate('app.action.deactivate_many_title', { smart_count: selectedIds.length })}
        reason="required"
        busy={busy}
        confirmLabel={translate('app.action.deactivate')}
        onConfirm={confirm}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
