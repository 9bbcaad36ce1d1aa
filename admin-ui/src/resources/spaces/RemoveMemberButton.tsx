import PersonRemove from '@mui/icons-material/PersonRemove';
import { DeleteWithConfirmButton, useRecordContext } from 'react-admin';

/** Removes a person from the space after a confirmation. */
export function RemoveMemberButton() {
  const record = useRecordContext<{ id: string; displayName: string }>();
  if (!record) return null;
  return (
    <DeleteWithConfirmButton
      resource="space-members"
      label="app.action.remove_member"
      icon={<PersonRemove />}
      confirmTitle={record.displayName}
      mutationMode="pessimistic"
      redirect={false}
      successMessage="app.action.removed_member"
    />
  );
}
