import type { User } from '../../directory/entities.ts';
import type { Services } from '../../shared/services.ts';
import type { CredentialCheck } from '../credentials.ts';

/** Checks a password by binding to the directory as the person. */
export async function verifyLdapPassword(
  _services: Services,
  _user: User,
  _password: string,
): Promise<CredentialCheck> {
  return 'unavailable';
}
