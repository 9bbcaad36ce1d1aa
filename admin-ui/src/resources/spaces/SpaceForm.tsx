import { AutocompleteInput, ReferenceInput, SimpleForm, TextInput } from 'react-admin';

const byName = (q: string) => ({ q });

/** The fields of a space. */
export function SpaceForm() {
  return (
    <SimpleForm sx={{ maxWidth: 600 }}>
      <TextInput source="name" required fullWidth />
      <TextInput source="description" multiline fullWidth />
      <ReferenceInput source="organizationId" reference="organizations">
        <AutocompleteInput filterToQuery={byName} optionText="name" fullWidth />
      </ReferenceInput>
    </SimpleForm>
  );
}
