import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocaleState, useTranslate } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import { call } from '../api/call';
import type { ApiResponses } from '../api/generated/openapi';
import { problemCode } from '../api/http';
import { AuthCard } from './AuthCard';
import { NewPasswordFields } from './NewPasswordFields';

type Opened = ApiResponses['openInvitation'];

/** Codes of a link that no longer works; each has its own sentence for the person. */
const GONE = ['invitation_used', 'invitation_expired', 'invitation_revoked', 'invitation_invalid'];

/**
 * `#/register?token=…`: a new messenger user registers from their invitation — sets a password
 * and, when the policy asks, enrols an authenticator. Speaks to the person (not to an operator),
 * in the invitation's language unless they switch it.
 */
export function RegisterPage() {
  const translate = useTranslate();
  const [, setLocale] = useLocaleState();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [opened, setOpened] = useState<Opened | null>(null);
  const [gone, setGone] = useState<string | null>(token ? null : 'invitation_invalid');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ recoveryCodes: string[] | null } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) return;
    call('openInvitation', { body: { token } })
      .then((result) => {
        setOpened(result);
        setLocale(result.locale);
      })
      .catch((caught: unknown) => setGone(problemCode(caught) ?? 'invitation_invalid'));
  }, [token, setLocale]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setError(translate('app.register.mismatch'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await call('completeRegistration', {
        body: { token, password, ...(opened?.secondFactor ? { code } : {}) },
      });
      setDone(result);
    } catch (caught) {
      const codeOf = problemCode(caught);
      if (codeOf && GONE.includes(codeOf)) setGone(codeOf);
      else setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  if (gone)
    return (
      <AuthCard title={translate('app.register.title')}>
        <Alert severity="warning" sx={{ mt: 2 }} data-testid="register-gone">
          {translate(`app.register.gone.${gone}`, {
            _: translate('app.register.gone.invitation_invalid'),
          })}
        </Alert>
      </AuthCard>
    );
  return (
    <AuthCard title={translate('app.register.title')}>
      {error && (
        <Alert severity="error" role="alert" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
      {done ? (
        <Box sx={{ mt: 2 }} data-testid="register-done">
          <Alert severity="success">
            {translate('app.register.done', { username: opened?.username ?? '' })}
          </Alert>
          {done.recoveryCodes && (
            <>
              <Typography variant="body2" sx={{ mt: 2 }}>
                {translate('app.register.recovery_codes')}
              </Typography>
              <Box component="pre" sx={{ fontFamily: 'monospace' }}>
                {done.recoveryCodes.join('\n')}
              </Box>
            </>
          )}
        </Box>
      ) : (
        opened && (
          <Box component="form" onSubmit={submit}>
            <Typography variant="body1" sx={{ mt: 2 }}>
              {translate('app.register.hello', { name: opened.displayName })}
            </Typography>
            <Typography variant="body2" sx={{ mt: 1 }}>
              {translate('app.register.help', {
                username: opened.username ?? '',
                min: opened.passwordMinLength,
              })}
            </Typography>
            <NewPasswordFields
              password={password}
              confirm={confirm}
              onPassword={setPassword}
              onConfirm={setConfirm}
              labels={{
                password: translate('app.register.password'),
                confirm: translate('app.register.confirm'),
              }}
            />
            {opened.secondFactor && (
              <Box sx={{ mt: 2 }}>
                <Typography variant="body2">{translate('app.register.second_factor')}</Typography>
                <Box
                  component="img"
                  src={opened.secondFactor.qrCode}
                  alt={translate('app.register.qr_alt')}
                  sx={{ width: 200, height: 200, display: 'block', mx: 'auto', my: 1 }}
                />
                <Typography variant="caption" component="div">
                  {translate('app.register.secret')}
                </Typography>
                <Typography
                  variant="caption"
                  component="code"
                  data-testid="otpauth-uri"
                  sx={{ display: 'block', wordBreak: 'break-all', fontFamily: 'monospace' }}
                >
                  {opened.secondFactor.otpauthUri}
                </Typography>
                <TextField
                  id="totp-code"
                  label={translate('app.register.code')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  value={code}
                  onChange={(e) => setCode(e.target.value.trim())}
                  fullWidth
                  margin="normal"
                  required
                />
              </Box>
            )}
            <Button type="submit" variant="contained" fullWidth disabled={busy} sx={{ mt: 2 }}>
              {translate('app.register.submit')}
            </Button>
          </Box>
        )
      )}
    </AuthCard>
  );
}
