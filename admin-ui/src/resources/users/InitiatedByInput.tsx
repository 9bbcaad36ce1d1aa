import { AutocompleteInput, ReferenceInput, TextInput } from 'react-admin';
import { useWatch } from 'react-hook-form';
import type { UserRecord } from '../../api/types';

const byName = (q: string) => ({ q });

// The organization tells two people of the same name apart.
const optionText = (person: UserRecord) =>
  person.organization ? `${person.fullName} — ${person.organization.name}` : person.fullName;

/**
 * "Initiated by": a person picked from the directory by name (the server checks they exist, and
 * the card links to them); free text only for someone outside it, so it is disabled while a
 * person is picked.
 */
export function InitiatedByInput() {
  const picked = useWatch({ name: 'initiatedById' }) as string | null | undefined;
  return (
    <>
      <ReferenceInput source="initiatedById" reference="users">
        <AutocompleteInput
          filterToQuery={byName}
          optionText={optionText}
          inputText={(person: UserRecord) => person.fullName}
          label="app.names.initiated_by_person"
          helperText="app.names.initiated_by_person_help"
          fullWidth
        />
      </ReferenceInput>
      <TextInput
        source="initiatedBy"
        label="app.names.initiated_by_text"
        helperText="app.names.initiated_by_text_help"
        disabled={Boolean(picked)}
        fullWidth
      />
    </>
  );
}
