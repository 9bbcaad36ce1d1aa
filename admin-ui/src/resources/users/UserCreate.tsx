import { Create } from 'react-admin';
import { UserForm } from './UserForm';

/** Adds a person by hand. */
export default function UserCreate() {
  return (
    <Create redirect="show">
      <UserForm creating />
    </Create>
  );
}
