import { Box, Button, Divider } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useLogin, useTranslate } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import { problemCode } from '../api/http';
import {
  type PasswordStep,
  type SsoSecondStep,
  ssoOffered,
  startSso,
} from '../providers/authProvider';

/** Problem codes of the corporate sign-in the page explains in the reader's language. */
const SSO_ERRORS = new Set([
  'sso_mfa_required',
  'oidc_no_match',
  'oidc_already_linked',
  'oidc_not_allowed',
  'oidc_login_expired',
  'oidc_provider_error',
  'oidc_code_invalid',
  'sso_not_configured',
  'sso_unavailable',
]);

interface SsoSignInProps {
  busy: boolean;
  /** The login page's runner: marks it busy and shows what the action throws. */
  run: (action: () => Promise<unknown>) => void;
  /** The provider did not prove MFA: the service's TOTP step follows. */
  onStep: (step: PasswordStep) => void;
}

/**
 * «Sign in with corporate SSO» under the password form, when the service offers it, and the
 * return from the provider (`#/login?code=…` or `?error=…`): the code is exchanged once and taken
 * out of the address at once, so a reload or the history cannot offer it again.
 */
export function SsoSignIn({ busy, run, onStep }: SsoSignInProps) {
  const translate = useTranslate();
  const login = useLogin();
  const [params, setParams] = useSearchParams();
  const [offered, setOffered] = useState(false);
  // A one-time code works once: effects may run twice (StrictMode), the exchange must not.
  const handled = useRef(false);

  useEffect(() => {
    void ssoOffered().then(setOffered);
  }, []);

  useEffect(() => {
    const code = params.get('code');
    const error = params.get('error');
    if (handled.current || (!code && !error)) return;
    handled.current = true;
    setParams({}, { replace: true });
    const explain = (codeOf: string | undefined, fallback?: string) =>
      codeOf && SSO_ERRORS.has(codeOf)
        ? translate(`app.login.sso_error.${codeOf}`)
        : (fallback ?? translate('app.login.sso_error.oidc_provider_error'));
    run(async () => {
      if (error || !code) throw new Error(explain(error ?? undefined));
      try {
        const result = (await login({ ssoCode: code })) as SsoSecondStep | undefined;
        if (result?.step) onStep(result.step);
      } catch (caught) {
        const message = caught instanceof Error ? caught.message : undefined;
        throw new Error(explain(problemCode(caught), message));
      }
    });
  }, [params, setParams, login, run, onStep, translate]);

  if (!offered) return null;
  return (
    <Box sx={{ mt: 3 }}>
      <Divider>{translate('app.login.or')}</Divider>
      <Button
        variant="outlined"
        fullWidth
        disabled={busy}
        sx={{ mt: 2 }}
        data-testid="sso-sign-in"
        onClick={() => run(startSso)}
      >
        {translate('app.login.sso')}
      </Button>
    </Box>
  );
}
