import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import { FormControl, FormControlLabel, FormLabel, Radio, RadioGroup } from '@mui/material';
import { useId, useState } from 'react';
import { useTranslate } from 'react-admin';
import type { Role, UserRecord } from '../../api/types';
import { useAppDataProvider } from '../../dataProviderHook';
import { roleGrantSubject } from '../../providers/ability';
import { useAbility } from '../../providers/useAbility';
import { ActionButton } from './ActionButton';
import { ROLES } from './constants';

const CHOICES = [...ROLES, 'none'] as const;
type Choice = Role | 'none';

/**
 * Grants, changes or withdraws a back-office role, offering only the roles the rules allow.
 * Nothing is preselected (one click must never make an admin) and a reason is required: the
 * server refuses a role change without one.
 */
export function RoleButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const ability = useAbility();
  const dataProvider = useAppDataProvider();
  const labelId = useId();
  const current = record.role ?? 'none';
  const allowed = CHOICES.filter(
    (to) => to !== current && ability.can('grant', roleGrantSubject(record, to)),
  );
  const [role, setRole] = useState<Choice | null>(null);
  if (allowed.length === 0) return null;
  return (
    <ActionButton
      label="app.action.role"
      icon={<AdminPanelSettings />}
      title={translate('app.action.role_title', { name: record.displayName })}
      help={translate('app.safety.role_help')}
      reason="required"
      ready={role !== null}
      onOpen={() => setRole(null)}
      run={async (reason) => {
        if (role === null) return undefined;
        await dataProvider.setRole(record.id, role === 'none' ? null : role, reason);
        return { message: 'app.action.role_changed' };
      }}
    >
      <FormControl component="fieldset" required sx={{ mt: 1 }}>
        <FormLabel id={labelId}>{translate('app.safety.choose_role')}</FormLabel>
        <RadioGroup
          aria-labelledby={labelId}
          name="role"
          value={role ?? ''}
          onChange={(event) => setRole(event.target.value as Choice)}
        >
          {allowed.map((value) => (
            <FormControlLabel
              key={value}
              value={value}
              control={<Radio />}
              label={translate(value === 'none' ? 'app.action.no_role' : `app.role.${value}`)}
            />
          ))}
        </RadioGroup>
      </FormControl>
    </ActionButton>
  );
}
