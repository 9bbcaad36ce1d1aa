import {
  AutocompleteInput,
  email,
  ReferenceInput,
  SelectInput,
  SimpleForm,
  TextInput,
  useCanAccess,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import type { UserRecord } from '../../api/types';
import { enumChoices } from '../../components/EnumField';
import { SOURCE_OWNED } from '../../providers/resources';

const byName = (q: string) => ({ q });

/** The profile form; fields a directory source owns are read-only, with a note why. */
export function UserForm({ creating }: { creating?: boolean }) {
  const record = useRecordContext<UserRecord>();
  const translate = useTranslate();
  const { canAccess: canListOrgs } = useCanAccess({ action: 'list', resource: 'organizations' });
  const owned = new Set(SOURCE_OWNED[record?.source ?? 'manual'] ?? []);
  const lock = (field: string) =>
    owned.has(field)
      ? { readOnly: true, disabled: true, helperText: translate('app.card.source_owned') }
      : {};
  return (
    <SimpleForm sx={{ maxWidth: 640 }}>
      <TextInput source="familyName" required fullWidth {...lock('familyName')} />
      <TextInput source="givenName" required fullWidth {...lock('givenName')} />
      <TextInput source="middleName" fullWidth {...lock('middleName')} />
      <TextInput source="displayName" fullWidth {...lock('displayName')} />
      <TextInput source="username" fullWidth {...lock('username')} />
      <TextInput source="email" type="email" validate={email()} fullWidth {...lock('email')} />
      <TextInput source="phone" type="tel" fullWidth {...lock('phone')} />
      <TextInput source="title" fullWidth {...lock('title')} />
      {canListOrgs && (
        <ReferenceInput source="organizationId" reference="organizations">
          <AutocompleteInput
            filterToQuery={byName}
            optionText="name"
            fullWidth
            {...lock('organizationId')}
          />
        </ReferenceInput>
      )}
      <TextInput source="initiatedBy" fullWidth />
      {creating && (
        <SelectInput
          source="status"
          choices={enumChoices(['active', 'pending'], 'app.status')}
          defaultValue="active"
        />
      )}
    </SimpleForm>
  );
}
