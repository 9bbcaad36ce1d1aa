import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { PASSWORD_MIN_LENGTH } from '../passwords.ts';
import { secondFactorRequired } from '../secondFactorPolicy.ts';
import {
  decryptTotpSecret,
  encryptTotpSecret,
  newTotpSecret,
  qrCodeDataUrl,
  totpUri,
} from '../totp.ts';
import { findByToken, invitationGone, unknownInvitation } from './registration.ts';

/** What the registration page shows a person who opened their invitation. */
export interface OpenedInvitation {
  displayName: string;
  username: string | null;
  locale: 'ru' | 'en';
  passwordMinLength: number;
  /** The authenticator to enrol, when the policy asks this person for a second factor. */
  secondFactor: { otpauthUri: string; qrCode: string } | null;
}

/**
 * Opens an invitation for the registration page (public: the token is the credential). Does not
 * use the token up. When the person needs a second factor, a secret is made once and kept
 * (encrypted, bound to the person) on the invitation, so reloading the page shows the same QR
 * code the person may already have scanned.
 */
export async function openInvitation(
  services: Services,
  meta: RequestMeta,
  token: string,
): Promise<OpenedInvitation> {
  return runCommand(services, anonymousActor(meta), async ({ em }) => {
    const found = await findByToken(em, token, true);
    if (!found) throw unknownInvitation();
    const { row, person } = found;
    const gone = invitationGone(row, person, services.now());
    if (gone || !person) throw gone ?? unknownInvitation();
    let secondFactor: OpenedInvitation['secondFactor'] = null;
    if (secondFactorRequired(services.config, person)) {
      let secret: string;
      if (row.pending_totp_secret) {
        secret = decryptTotpSecret(services.keys.totp, row.pending_totp_secret, person.id);
      } else {
        secret = newTotpSecret();
        await em.execute('update invitation set pending_totp_secret = ? where user_id = ?', [
          encryptTotpSecret(services.keys.totp, secret, person.id),
          person.id,
        ]);
      }
      const uri = totpUri(secret, person.username ?? person.email ?? person.displayName);
      secondFactor = { otpauthUri: uri, qrCode: await qrCodeDataUrl(uri) };
    }
    return {
      displayName: person.displayName,
      username: person.username ?? null,
      locale: row.locale,
      passwordMinLength: PASSWORD_MIN_LENGTH,
      secondFactor,
    };
  });
}
