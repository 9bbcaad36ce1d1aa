import { Create, type RaRecord, useNotify, useRedirect } from 'react-admin';
import { isPendingChange } from '../../api/configChangeTypes';
import { DualControlNotice } from '../configChanges/DualControlNotice';
import { SourceForm } from './SourceForm';
import { createBody, NEW_SOURCE, type SourceFormValues } from './sourceForm';

/**
 * A new AD or LDAP source (superadmin); its password is stored write-only. With more than one
 * active superadmin the source is created only once another one approves (202: the request).
 */
export default function SourceCreate() {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Create
      transform={(data: RaRecord) => createBody(data as unknown as SourceFormValues) as RaRecord}
      mutationOptions={{
        onSuccess: (data: RaRecord) => {
          const pending = (data as { pendingChange?: unknown }).pendingChange;
          if (isPendingChange(pending)) {
            notify('configchange.pending_notice', { type: 'info' });
            redirect('show', 'config-changes', pending.id);
            return;
          }
          notify('ra.notification.created', { type: 'info', messageArgs: { smart_count: 1 } });
          redirect('show', 'directory-sources', data.id);
        },
        onError: (error: unknown) =>
          notify(error instanceof Error ? error.message : String(error), { type: 'error' }),
      }}
    >
      <DualControlNotice />
      <SourceForm defaultValues={NEW_SOURCE} />
    </Create>
  );
}
