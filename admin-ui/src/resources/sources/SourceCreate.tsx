import { Create, type RaRecord, useNotify } from 'react-admin';
import { SourceForm } from './SourceForm';
import { createBody, NEW_SOURCE, type SourceFormValues } from './sourceForm';

/** A new AD or LDAP source (superadmin); its password is stored write-only. */
export default function SourceCreate() {
  const notify = useNotify();
  return (
    <Create
      redirect="show"
      transform={(data: RaRecord) => createBody(data as unknown as SourceFormValues) as RaRecord}
      mutationOptions={{
        onError: (error: unknown) =>
          notify(error instanceof Error ? error.message : String(error), { type: 'error' }),
      }}
    >
      <SourceForm defaultValues={NEW_SOURCE} />
    </Create>
  );
}
