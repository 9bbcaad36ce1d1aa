import Login from '@mui/icons-material/Login';
import { Alert, FormControlLabel, Radio, RadioGroup } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import type { LoginMethod, UserRecord } from '../../api/types';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from './ActionButton';
import { LOGIN_METHODS } from './constants';

/**
 * Changes how a person signs in. The dialog says what the change clears (the stored password,
 * every session) before it is confirmed, and offers the directory's password (`ldap`) only for a
 * person a directory source maintains: the server refuses it otherwise (`login_method_unavailable`).
 */
export function LoginMethodButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const [method, setMethod] = useState<LoginMethod>(record.loginMethod);
  const ldapAvailable = Boolean(record.sourceId);
  const changing = method !== record.loginMethod;
  return (
    <ActionButton
      label="app.action.login_method"
      icon={<Login />}
      title={translate('app.action.login_method_title', { name: record.displayName })}
      reason="none"
      ready={changing}
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
            disabled={value === 'ldap' && !ldapAvailable && record.loginMethod !== 'ldap'}
            control={<Radio />}
            label={translate(`app.login_method.${value}`)}
          />
        ))}
      </RadioGroup>
      {!ldapAvailable && record.loginMethod !== 'ldap' && (
        <Alert severity="info" sx={{ mt: 1 }}>
          {translate('app.safety.ldap_unavailable')}
        </Alert>
      )}
      {changing && (
        <Alert severity="warning" sx={{ mt: 1 }} data-testid="login-method-warning">
          {translate(`app.safety.clears.${method}`)} {translate('app.safety.sessions_end')}
        </Alert>
      )}
    </ActionButton>
  );
}
