import { Alert, Box, Button, Typography } from '@mui/material';
import { type FormEvent, useState } from 'react';
import { useTranslate } from 'react-admin';
import { Link, useSearchParams } from 'react-router-dom';
import { completeEnrollment } from '../providers/authProvider';
import { AuthCard } from './AuthCard';
import { NewPasswordFields } from './NewPasswordFields';

/**
 * `#/enroll?token=…`: a person sets their password from a one-time link (an enrollment link, or a
 * password reset mailed to them).
 */
export function EnrollPage() {
  const translate = useTranslate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setError(translate('app.enroll.mismatch'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await completeEnrollment(token, password);
      setDone(true);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={translate('app.enroll.title')}>
      {error && (
        <Alert severity="error" role="alert" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
      {!token && <Alert severity="warning">{translate('app.enroll.missing_token')}</Alert>}
      {done ? (
        <Box sx={{ mt: 2 }}>
          <Alert severity="success">{translate('app.enroll.done')}</Alert>
          <Button component={Link} to="/login" variant="contained" sx={{ mt: 2 }}>
            {translate('app.enroll.to_login')}
          </Button>
        </Box>
      ) : (
        <Box component="form" onSubmit={submit}>
          <Typography variant="body2" sx={{ mt: 2 }}>
            {translate('app.enroll.help')}
          </Typography>
          <NewPasswordFields
            password={password}
            confirm={confirm}
            onPassword={setPassword}
            onConfirm={setConfirm}
            labels={{
              password: translate('app.enroll.password'),
              confirm: translate('app.enroll.confirm'),
            }}
          />
          <Button
            type="submit"
            variant="contained"
            fullWidth
            disabled={busy || !token}
            sx={{ mt: 2 }}
          >
            {translate('app.enroll.submit')}
          </Button>
        </Box>
      )}
    </AuthCard>
  );
}
