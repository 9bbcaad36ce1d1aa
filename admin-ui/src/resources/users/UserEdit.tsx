import { Edit } from 'react-admin';
import { UserForm } from './UserForm';

/** Edits a person's profile (PATCH with the version read; a stale one is a 409). */
export default function UserEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="show">
      <UserForm />
    </Edit>
  );
}
