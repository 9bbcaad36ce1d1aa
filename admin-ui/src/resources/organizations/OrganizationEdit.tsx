import { DeleteWithConfirmButton, Edit, SaveButton, Toolbar, useCanAccess } from 'react-admin';
import { OrganizationForm } from './OrganizationForm';

function EditToolbar() {
  const { canAccess: canDelete } = useCanAccess({ action: 'delete', resource: 'organizations' });
  return (
    <Toolbar sx={{ justifyContent: 'space-between' }}>
      <SaveButton />
      {canDelete && <DeleteWithConfirmButton />}
    </Toolbar>
  );
}

/** Edits or deletes an organization (superadmin). */
export default function OrganizationEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <OrganizationForm toolbar={<EditToolbar />} withHead />
    </Edit>
  );
}
