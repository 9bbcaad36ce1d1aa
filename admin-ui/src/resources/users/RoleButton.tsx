import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import { FormControlLabel, Radio, RadioGroup } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import type { Role, UserRecord } from '../../api/types';
import { useAppDataProvider } from '../../dataProviderHook';
import { roleGrantSubject } from '../../providers/ability';
import { useAbility } from '../../providers/useAbility';
import { ActionButton } from './ActionButton';
import { ROLES } from './constants';

const CHOICES = [...ROLES, 'none'] as const;

/** Grants, changes or withdraws a back-office role, offering only the roles the rules allow. */
export function RoleButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const ability = useAbility();
  const dataProvider = useAppDataProvider();
  const current = record.role ?? 'none';
  const allowed = CHOICES.filter(
    (to) => to !== current && ability.can('grant', roleGrantSubject(record, to)),
  );
  const [role, setRole] = useState<Role | 'none'>(allowed[0] ?? current);
  if (allowed.length === 0) return null;
  return (
    <ActionButton
      label="app.action.role"
      icon={<AdminPanelSettings />}
      title={translate('app.action.role_title', { name: record.displayName })}
      reason="optional"
      run={async (reason) => {
        await dataProvider.setRole(record.id, role === 'none' ? null : role, reason || undefined);
        return { message: 'app.action.role_changed' };
      }}
    >
      <RadioGroup
        aria-label={translate('app.action.role')}
        name="role"
        value={role}
        onChange={(event) => setRole(event.target.value as Role | 'none')}
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
    </ActionButton>
  );
}
