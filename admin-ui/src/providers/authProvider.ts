import type { AuthProvider } from 'react-admin';
import { call } from '../api/call';
import type { ApiResponses } from '../api/generated/openapi';
import { setCsrfToken } from '../api/http';
import type { MeBody } from '../api/types';
import { setCompanyTimeZone } from '../format';
import { type AppAbility, abilityFromPacked, canAccessWith } from './ability';

/** What the password step answers: which second step comes next. */
export type PasswordStep = ApiResponses['startLogin'];

/** What `login({ssoCode})` resolves to when the TOTP step is next (the page then shows it). */
export interface SsoSecondStep {
  redirectTo: false;
  step: PasswordStep;
}

interface Session {
  me: MeBody;
  ability: AppAbility;
}

let current: Promise<Session | null> | null = null;

function remember(me: MeBody): Session {
  setCsrfToken(me.csrfToken);
  setCompanyTimeZone(me.timeZone);
  const session = { me, ability: abilityFromPacked(me.rules) };
  current = Promise.resolve(session);
  return session;
}

async function loadSession(): Promise<Session | null> {
  current ??= call('getMe')
    .then(remember)
    .catch(() => null);
  const session = await current;
  if (!session) current = null;
  return session;
}

/** Step 1 of signing in: username and password. Answers which second step follows. */
export function startLogin(username: string, password: string): Promise<PasswordStep> {
  return call('startLogin', { body: { username, password } });
}

/** Whether the login page offers «Sign in with corporate SSO» (`sso.oidc` is configured). */
export async function ssoOffered(): Promise<boolean> {
  try {
    return (await call('sessionSso')).oidc;
  } catch {
    return false;
  }
}

/** Starts the corporate sign-in: the browser leaves for the provider and returns to `#/login`. */
export async function startSso(): Promise<void> {
  const { authorizationUrl } = await call('sessionOidcStart', { body: {} });
  window.location.assign(authorizationUrl);
}

/** Sets the password of a new back-office account from its one-time enrollment token. */
export async function completeEnrollment(token: string, password: string): Promise<void> {
  await call('completeEnrollment', { body: { token, password } });
}

/** The signed-in person's id, once known (for "not on yourself" checks in views). */
export async function currentUserId(): Promise<string | null> {
  return (await loadSession())?.me.user.id ?? null;
}

/**
 * react-admin's auth provider for the cookie session: `login({code})` is the TOTP step (the
 * password step is {@link startLogin}, driven by the login page); `login({ssoCode})` exchanges the
 * one-time code the corporate provider's return brought, and resolves to an {@link SsoSecondStep}
 * when the service's TOTP is still needed. `getPermissions` answers the CASL ability built from
 * the packed rules of `/me`, which `canAccess` consults.
 */
export const authProvider: AuthProvider = {
  async login(params: { code: string } | { ssoCode: string }): Promise<SsoSecondStep | undefined> {
    if ('ssoCode' in params) {
      const step = await call('sessionOidc', { body: { code: params.ssoCode } });
      if (step.next === 'done') {
        remember(step.me);
        return undefined;
      }
      return { redirectTo: false, step };
    }
    const me = await call('completeLogin', { body: { code: params.code } });
    remember(me);
    return undefined;
  },
  async logout() {
    const had = current !== null;
    current = null;
    if (had) await call('logout').catch(() => undefined);
    setCsrfToken(null);
  },
  async checkAuth() {
    if (!(await loadSession())) throw new Error('ra.auth.auth_check_error');
  },
  async checkError(error: { status?: number }) {
    if (error?.status === 401) {
      current = null;
      throw new Error('ra.notification.logged_out');
    }
  },
  async getIdentity() {
    const session = await loadSession();
    if (!session) throw new Error('ra.auth.auth_check_error');
    const { user } = session.me;
    return { id: user.id, fullName: user.displayName, role: session.me.role };
  },
  async getPermissions() {
    return (await loadSession())?.ability ?? null;
  },
  async canAccess({ action, resource, record }) {
    const session = await loadSession();
    if (!session) return false;
    return canAccessWith(session.ability, action, resource, record);
  },
};
