import { Create } from 'react-admin';
import { SpaceForm } from './SpaceForm';

/** Creates a space (superadmin). */
export default function SpaceCreate() {
  return (
    <Create redirect="show">
      <SpaceForm />
    </Create>
  );
}
