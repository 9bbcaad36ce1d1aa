import {
  AutocompleteInput,
  Create,
  DateInput,
  ReferenceInput,
  SelectInput,
  SimpleForm,
  TextInput,
  useTranslate,
} from 'react-admin';
import { enumChoices } from '../../components/EnumField';
import { CAMPAIGN_KINDS, REVIEWER_RULES, REVOKE_MODES, UNDECIDED_RULES } from './types';

const byName = (q: string) => ({ q });

/** The due date (a day) as the end of that day, local time, in ISO for the API. */
function transform(data: Record<string, unknown>) {
  const day = String(data.dueAt ?? '');
  const dueAt = /^\d{4}-\d{2}-\d{2}$/.test(day)
    ? new Date(`${day}T23:59:59`).toISOString()
    : data.dueAt;
  return { ...data, dueAt };
}

/** A new access review (superadmins): what it covers, who reviews, how revocations apply. */
export default function CampaignCreate() {
  const translate = useTranslate();
  return (
    <Create redirect="show" transform={transform}>
      <SimpleForm sx={{ maxWidth: 640 }}>
        <TextInput source="name" required fullWidth />
        <SelectInput
          source="kind"
          choices={enumChoices(CAMPAIGN_KINDS, 'app.reviews.kind')}
          defaultValue="space_members"
          required
        />
        <ReferenceInput source="organizationId" reference="organizations">
          <AutocompleteInput
            filterToQuery={byName}
            optionText="name"
            fullWidth
            helperText={translate('app.reviews.organization_help')}
          />
        </ReferenceInput>
        <SelectInput
          source="reviewerRule"
          choices={enumChoices(REVIEWER_RULES, 'app.reviews.reviewer_rule')}
          defaultValue="organization_head"
          required
        />
        <ReferenceInput source="reviewerId" reference="backoffice-accounts">
          <AutocompleteInput
            filterToQuery={byName}
            optionText="fullName"
            fullWidth
            isRequired
            helperText={translate('app.reviews.reviewer_help')}
          />
        </ReferenceInput>
        <DateInput source="dueAt" required helperText={translate('app.reviews.due_help')} />
        <SelectInput
          source="revokeMode"
          choices={enumChoices(REVOKE_MODES, 'app.reviews.revoke_mode')}
          defaultValue="at_close"
          required
        />
        <SelectInput
          source="undecided"
          choices={enumChoices(UNDECIDED_RULES, 'app.reviews.undecided')}
          defaultValue="keep"
          required
        />
      </SimpleForm>
    </Create>
  );
}
