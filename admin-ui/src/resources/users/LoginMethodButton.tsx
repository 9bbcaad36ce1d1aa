import Login from '@mui/icons-material/Login';
import { FormControlLabel, Radio, RadioGroup } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import type { LoginMethod, UserRecord } from '../../api/types';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from './ActionButton';
import { LOGIN_METHODS } from './constants';

/** Changes how a person signs in (password, the directory, or corporate SSO). */
export function LoginMethodButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const [method, setMethod] = useState<LoginMethod>(record.loginMethod);
  return (
    <ActionButton
      label="app.action.login_method"
      icon={<Login />}
      title={translate('app.action.login_method_title', { name: record.displayName })}
      reason="none"
      run={async () => {
        await dataProvider.setLoginMethod(record.id, method);
        return { message: 'app.action.login_method_changed' };
      }}
    >
      <RadioGroup
        aria-label={translate('app.action.login_method')}
        value={method}
        onChange={(event) => setMethod(event.target.value as LoginMethod)}
      >
        {LOGIN_METHODS.map((value) => (
          <FormControlLabel
            key={value}
            value={value}
            control={<Radio />}
            label={translate(`app.login_method.${value}`)}
          />
        ))}
      </RadioGroup>
    </ActionButton>
  );
}
