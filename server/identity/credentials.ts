import type { User } from '../directory/entities.ts';
import type { Services } from '../shared/services.ts';
import type { CredentialCheck } from './credentialCheck.ts';
import { verifyLdapPassword } from './ldap/authenticate.ts';
import { verifyPassword } from './passwords.ts';

export type { CredentialCheck };

/**
 * Checks a password by the person's login method: the local argon2id hash for `password`, a bind
 * to the directory as that person for `ldap`. A null person is checked against a dummy hash so
 * that unknown usernames take as long as known ones.
 */
export async function checkCredentials(
  services: Services,
  user: User | null,
  password: string,
): Promise<CredentialCheck> {
  if (user?.loginMethod === 'ldap') return verifyLdapPassword(services, user, password);
  if (
    user?.loginMethod === 'oidc' ||
    user?.loginMethod === 'email_code' ||
    user?.loginMethod === 'sms_code'
  ) {
    // Only the provider (or a one-time code) signs such a person in, even if a password was set
    // since (a link); the dummy check keeps the timing of a wrong password.
    await verifyPassword(null, password);
    return 'wrong';
  }
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  return ok && user?.passwordHash ? 'ok' : 'wrong';
}
