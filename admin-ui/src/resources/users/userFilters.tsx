import {
  AutocompleteInput,
  ReferenceInput,
  SearchInput,
  SelectInput,
  useCanAccess,
  useTranslate,
} from 'react-admin';
import { enumChoices } from '../../components/EnumField';
import { ROLES, SOURCES, STATUSES } from './constants';

const byName = (q: string) => ({ q });

/** The users list's filters: one search box, then status, role, source, organization, space, adder. */
export function useUserFilters() {
  const translate = useTranslate();
  const { canAccess: orgs } = useCanAccess({ action: 'list', resource: 'organizations' });
  const { canAccess: spaces } = useCanAccess({ action: 'list', resource: 'spaces' });
  // The server lets only those who may list back-office accounts filter people by role.
  const { canAccess: roles } = useCanAccess({ action: 'list', resource: 'backoffice-accounts' });
  return [
    <SearchInput
      key="q"
      source="q"
      alwaysOn
      // SearchInput shows its placeholder as given: translate it here.
      placeholder={translate('resources.users.fields.q')}
      sx={{ minWidth: 320 }}
      slotProps={{ htmlInput: { 'aria-label': translate('ra.action.search') } }}
    />,
    <SelectInput key="status" source="status" choices={enumChoices(STATUSES, 'app.status')} />,
    ...(roles
      ? [
          <SelectInput
            key="role"
            source="role"
            choices={enumChoices([...ROLES, 'none'], 'app.role')}
          />,
        ]
      : []),
    <SelectInput key="source" source="source" choices={enumChoices(SOURCES, 'app.source')} />,
    <SelectInput
      key="invitation"
      source="invitation"
      choices={enumChoices(
        ['invited_not_registered', 'not_invited', 'registered', 'expired'],
        'app.invitation.filter',
      )}
    />,
    ...(orgs
      ? [
          <ReferenceInput key="org" source="organizationId" reference="organizations">
            <AutocompleteInput filterToQuery={byName} optionText="name" />
          </ReferenceInput>,
        ]
      : []),
    ...(spaces
      ? [
          <ReferenceInput key="space" source="spaceId" reference="spaces">
            <AutocompleteInput filterToQuery={byName} optionText="name" />
          </ReferenceInput>,
        ]
      : []),
    <ReferenceInput key="addedBy" source="addedBy" reference="users">
      <AutocompleteInput filterToQuery={byName} optionText="fullName" />
    </ReferenceInput>,
  ];
}
