import type { ReactElement } from 'react';
import { AutocompleteInput, ReferenceInput, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { enumChoices } from '../../components/EnumField';

const byName = (q: string) => ({ q });

/**
 * The fields of an organization; `withHead` adds its head (issue 18: who reviews its access),
 * set on an existing organization.
 */
export function OrganizationForm({
  toolbar,
  withHead = false,
}: {
  toolbar?: ReactElement;
  withHead?: boolean;
}) {
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
      {withHead && (
        <ReferenceInput source="headId" reference="users">
          <AutocompleteInput filterToQuery={byName} optionText="fullName" fullWidth />
        </ReferenceInput>
      )}
    </SimpleForm>
  );
}
