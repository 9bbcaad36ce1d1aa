import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { type FormEvent, useState } from 'react';
import { useLogin, useTranslate } from 'react-admin';
import { type PasswordStep, startLogin } from '../providers/authProvider';
import { AuthCard } from './AuthCard';
import { SsoSignIn } from './SsoSignIn';

/**
 * Sign-in: username and password (or the corporate provider, when configured), then the TOTP
 * code (with QR enrollment at first sign-in).
 */
export function LoginPage() {
  const translate = useTranslate();
  const login = useLogin();
  const [step, setStep] = useState<PasswordStep | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setStep(await startLogin(username, password));
      setPassword('');
    });
  };
  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    void run(() => login({ code: code.trim() }));
  };

  const enrolling = step?.next === 'totp_enroll';
  const title = !step
    ? translate('app.title')
    : translate(enrolling ? 'app.login.enroll_title' : 'app.login.totp_title');
  const runAction = (action: () => Promise<unknown>) => void run(action);
  return (
    <AuthCard title={title}>
      {error && (
        <Alert severity="error" role="alert" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
      {!step ? (
        <>
          <Box component="form" onSubmit={submitPassword} aria-label={translate('ra.auth.sign_in')}>
            <TextField
              id="username"
              name="username"
              label={translate('app.login.username')}
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              fullWidth
              margin="normal"
              required
              autoFocus
            />
            <TextField
              id="password"
              name="password"
              type="password"
              label={translate('app.login.password')}
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              fullWidth
              margin="normal"
              required
            />
            <Button type="submit" variant="contained" fullWidth disabled={busy} sx={{ mt: 2 }}>
              {translate('app.login.next')}
            </Button>
          </Box>
          <SsoSignIn busy={busy} run={runAction} onStep={setStep} />
        </>
      ) : (
        <Box component="form" onSubmit={submitCode} aria-label={title}>
          {enrolling && (
            <>
              <Typography variant="body2" sx={{ mt: 2 }}>
                {translate('app.login.enroll_help')}
              </Typography>
              {step.qrCode && (
                <Box sx={{ textAlign: 'center', my: 2 }}>
                  <img
                    src={step.qrCode}
                    alt={translate('app.login.qr_alt')}
                    width={200}
                    height={200}
                  />
                </Box>
              )}
              <Typography
                variant="caption"
                component="code"
                data-testid="otpauth-uri"
                sx={{ display: 'block', wordBreak: 'break-all', fontFamily: 'monospace' }}
              >
                {step.otpauthUri}
              </Typography>
            </>
          )}
          <TextField
            id="code"
            name="code"
            label={translate('app.login.code')}
            autoComplete="one-time-code"
            inputMode="numeric"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            fullWidth
            margin="normal"
            required
            autoFocus
          />
          <Button type="submit" variant="contained" fullWidth disabled={busy} sx={{ mt: 2 }}>
            {translate('app.login.verify')}
          </Button>
          <Button fullWidth sx={{ mt: 1 }} onClick={() => setStep(null)}>
            {translate('app.login.back')}
          </Button>
        </Box>
      )}
    </AuthCard>
  );
}
