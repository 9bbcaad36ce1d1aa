import DeleteForever from '@mui/icons-material/DeleteForever';
import { Alert } from '@mui/material';
import { useRedirect, useTranslate } from 'react-admin';
import { isPendingChange } from '../../api/configChangeTypes';
import type { DirectorySourceRecord } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

/**
 * Deletes a source defined in the console (superadmin). The dialog says what happens to its
 * people before anything is done: they are released to manual management, never deactivated.
 * An enabled source is refused by the server (`source_enabled`); the dialog says so up front.
 */
export function DeleteSourceButton({ record }: { record: DirectorySourceRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const redirect = useRedirect();
  return (
    <ActionButton
      label={translate('app.sources.delete.button')}
      icon={<DeleteForever />}
      title={translate('app.sources.delete.title', { name: record.name })}
      help={translate('app.sources.delete.help')}
      confirmLabel={translate('app.sources.delete.confirm')}
      reason="none"
      run={async () => {
        const deleted = await dataProvider.deleteSource(record.id);
        // With more than one superadmin the deletion waits for another one's approval (202).
        if (isPendingChange(deleted)) {
          redirect('show', 'config-changes', deleted.id);
          return { message: 'configchange.pending_notice' };
        }
        redirect('list', 'directory-sources');
        return {
          message: 'app.sources.delete.done',
          args: { smart_count: deleted.releasedPeople },
        };
      }}
    >
      {record.enabled && (
        <Alert severity="warning" sx={{ mt: 2 }} data-testid="delete-source-enabled">
          {translate('app.sources.delete.enabled_first')}
        </Alert>
      )}
    </ActionButton>
  );
}
