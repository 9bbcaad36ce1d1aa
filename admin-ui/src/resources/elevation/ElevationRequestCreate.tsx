import {
  AutocompleteArrayInput,
  Create,
  ReferenceArrayInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  useCanAccess,
  useNotify,
  useRedirect,
  useTranslate,
} from 'react-admin';
import { enumChoices } from '../../components/EnumField';
import { useDurationText } from './Duration';
import { ELEVATION_DURATIONS, ELEVATION_ROLES } from './types';

/**
 * «Запросить повышение прав»: a role, where it reaches (organizations one may read, or the whole
 * company), for how long and why. A second superadmin decides; the list shows the answer.
 */
export default function ElevationRequestCreate() {
  const translate = useTranslate();
  const duration = useDurationText();
  const notify = useNotify();
  const redirect = useRedirect();
  const { canAccess: canListOrganizations } = useCanAccess({
    action: 'list',
    resource: 'organizations',
  });
  return (
    <Create
      title={translate('elevation.request_title')}
      mutationOptions={{
        onSuccess: () => {
          notify('elevation.requested', { type: 'success' });
          redirect('list', 'elevation-requests');
        },
      }}
    >
      <SimpleForm defaultValues={{ role: 'admin', durationMinutes: 60, scope: [] }}>
        <SelectInput
          source="role"
          choices={enumChoices(ELEVATION_ROLES, 'app.role')}
          validate={required()}
        />
        {canListOrganizations && (
          <ReferenceArrayInput
            source="scope"
            reference="organizations"
            perPage={500}
            sort={{ field: 'name', order: 'ASC' }}
          >
            <AutocompleteArrayInput
              optionText="name"
              helperText={translate('elevation.scope_help')}
              fullWidth
            />
          </ReferenceArrayInput>
        )}
        <SelectInput
          source="durationMinutes"
          choices={ELEVATION_DURATIONS.map((minutes) => ({ id: minutes, name: duration(minutes) }))}
          translateChoice={false}
          validate={required()}
        />
        <TextInput
          source="reason"
          multiline
          minRows={2}
          fullWidth
          validate={required()}
          helperText={translate('elevation.reason_help')}
        />
      </SimpleForm>
    </Create>
  );
}
