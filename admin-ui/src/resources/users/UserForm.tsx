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
import { ownerLabel } from '../../components/SourceOwnerChip';
import { SOURCE_OWNED } from '../../providers/resources';
import { InitiatedByInput } from './InitiatedByInput';

const byName = (q: string) => ({ q });

/**
 * Form field → the source that owns it: the server's `fieldOwners` (its `organization` is the
 * form's `organizationId`), or, from a server that does not send them, the owned fields of the
 * person's source kind.
 */
function ownersOf(record: UserRecord | undefined): Record<string, string> {
  if (!record) return {};
  if (record.fieldOwners) {
    const out: Record<string, string> = {};
    for (const [field, owner] of Object.entries(record.fieldOwners)) {
      if (owner) out[field === 'organization' ? 'organizationId' : field] = owner;
    }
    return out;
  }
  const fields = SOURCE_OWNED[record.source] ?? [];
  // No source id known: '' says "owned" without naming the source.
  return Object.fromEntries(fields.map((field) => [field, '']));
}

/** The profile form; fields a directory source owns are read-only, with a note why. */
export function UserForm({ creating }: { creating?: boolean }) {
  const record = useRecordContext<UserRecord>();
  const translate = useTranslate();
  const { canAccess: canListOrgs } = useCanAccess({ action: 'list', resource: 'organizations' });
  const owners = ownersOf(record);
  const lock = (field: string) => {
    const owner = owners[field];
    if (owner === undefined) return {};
    const helperText =
      record && owner !== ''
        ? translate('app.owner.tooltip', { source: ownerLabel(owner, record, translate) })
        : translate('app.card.source_owned');
    return { readOnly: true, disabled: true, helperText };
  };
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
      <InitiatedByInput />
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
