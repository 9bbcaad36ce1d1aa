import { Create } from 'react-admin';
import { OrganizationForm } from './OrganizationForm';

/** Creates an organization (superadmin). */
export default function OrganizationCreate() {
  return (
    <Create redirect="list">
      <OrganizationForm />
    </Create>
  );
}
