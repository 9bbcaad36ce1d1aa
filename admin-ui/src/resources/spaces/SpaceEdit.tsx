import { Edit } from 'react-admin';
import { SpaceForm } from './SpaceForm';

/** Edits a space (superadmin). */
export default function SpaceEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="show">
      <SpaceForm />
    </Edit>
  );
}
