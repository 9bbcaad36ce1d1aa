import type { ReactElement } from 'react';
import { AutocompleteInput, ReferenceInput, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { enumChoices } from '../../components/EnumField';

const byName = (q: string) => ({ q });

/** The fields of an organization. */
export function OrganizationForm({ toolbar }: { toolbar?: ReactElement }) {
  return (
    <SimpleForm sx={{ maxWidth: 600 }} toolbar={toolbar}>
      <TextInput source="name" required fullWidth />
      <SelectInput
        source="kind"
        choices={enumChoices(['department', 'project'], 'app.kind')}
        defaultValue="department"
        required
      />
      <ReferenceInput source="parentId" reference="organizations">
        <AutocompleteInput filterToQuery={byName} optionText="name" fullWidth />
      </ReferenceInput>
      <TextInput source="description" multiline fullWidth />
    </SimpleForm>
  );
}
