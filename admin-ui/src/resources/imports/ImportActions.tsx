import Delete from '@mui/icons-material/Delete';
import PlayArrow from '@mui/icons-material/PlayArrow';
import { TopToolbar, useCanAccess, useRecordContext, useRedirect, useTranslate } from 'react-admin';
import type { ImportRunRecord } from '../../api/hrTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ApproveRunButton } from '../syncRuns/ApproveRunButton';
import { ActionButton } from '../users/ActionButton';

/** Apply or discard a preview (those who may import); approve a held one (admins and up). */
export function ImportActions() {
  const record = useRecordContext<ImportRunRecord>();
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const redirect = useRedirect();
  const { canAccess: canCreate } = useCanAccess({ action: 'create', resource: 'imports' });
  if (!record) return <TopToolbar />;
  const preview = record.status === 'planned' && canCreate;
  const complete = record.details?.scope === 'complete';
  return (
    <TopToolbar>
      {preview && (
        <ActionButton
          label={translate('app.imports.apply')}
          icon={<PlayArrow />}
          title={translate('app.imports.apply_title', {
            file: record.details?.fileName ?? '',
          })}
          help={translate(complete ? 'app.imports.apply_help_complete' : 'app.imports.apply_help')}
          reason="none"
          confirmLabel={translate('app.imports.apply')}
          run={async () => {
            await dataProvider.applyImport(record.id);
            return { message: 'app.imports.applying' };
          }}
        />
      )}
      {preview && (
        <ActionButton
          label={translate('app.imports.discard')}
          icon={<Delete />}
          title={translate('app.imports.discard_title')}
          reason="none"
          confirmLabel={translate('app.imports.discard')}
          run={async () => {
            await dataProvider.discardImport(record.id);
            redirect('list', 'imports');
            return { message: 'app.imports.discarded' };
          }}
        />
      )}
      <ApproveRunButton run={record} />
    </TopToolbar>
  );
}
