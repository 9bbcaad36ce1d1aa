import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { LoginMethod } from '../../directory/entities.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { presentOne, type UserView } from '../../directory/users/presentUser.ts';
import { enqueueMail } from '../../mail/enqueue.ts';
import { mailConfigured } from '../../mail/status.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { findDirectoryConnection } from '../../shared/storedSources.ts';
import { isSmsNumber, smsConfigured } from '../../sms/status.ts';
import { changeCredentials, countsOf } from '../lifecycle/changeCredentials.ts';
import { ssoNotConfigured } from '../oidc/client.ts';
import { forgetOidcIdentity } from '../oidc/identities.ts';

/** The methods as the notice mail names them, per language. */
const METHOD_LABELS: Record<'ru' | 'en', Record<LoginMethod, string>> = {
  ru: {
    password: 'Пароль',
    ldap: 'Пароль каталога (Windows)',
    oidc: 'Корпоративный SSO',
    email_code: 'Код на почту',
    sms_code: 'Код по SMS',
  },
  en: {
    password: 'Password',
    ldap: 'Directory (Windows) password',
    oidc: 'Corporate SSO',
    email_code: 'Code by e-mail',
    sms_code: 'Code by SMS',
  },
};

/**
 * Why a person cannot be switched to a one-time-code method (409, stable codes): the code would
 * have nowhere to go, and the person could not sign in at all.
 */
function codeMethodRefusal(
  services: Services,
  user: { email?: string | null; phone?: string | null },
  method: LoginMethod,
) {
  if (method === 'email_code') {
    if (!user.email)
      return conflict('no_email', 'The person has no e-mail address to send codes to');
    if (!mailConfigured(services.config))
      return conflict('mail_not_configured', 'Mail is not configured: codes cannot be sent');
  }
  if (method === 'sms_code') {
    if (!isSmsNumber(user.phone))
      return conflict('no_phone', 'The person has no phone number (E.164) to send codes to');
    if (!smsConfigured(services.config))
      return conflict(
        'sms_not_configured',
        'The SMS gateway is not configured: codes cannot be sent',
      );
  }
  return null;
}

/**
 * Whether a directory (AD / LDAP) could check this person's password: a configured or API-defined
 * source must own them (`sourceId`). Without one, `ldap` would clear the password and leave a
 * login that nothing can check, so it is refused (409 `login_method_unavailable`).
 */
async function ldapRefusal(services: Services, user: { sourceId?: string | null }) {
  const owner = user.sourceId ? await findDirectoryConnection(services, user.sourceId) : null;
  if (owner) return null;
  return conflict(
    'login_method_unavailable',
    'No directory source owns this person: a directory password could not be checked',
  );
}

/**
 * Switches how a person signs in. The stored password hash is cleared on any change, so
 * credentials from before the switch stop working (a return to `password` needs a new one), and,
 * as every credential change, every session, device token and pending link of the person ends.
 * A provider account linked for `oidc` is forgotten too. Switching to `oidc` needs `sso.oidc`
 * configured (409 `sso_not_configured`); `ldap` a directory source that owns the person (409
 * `login_method_unavailable`); `email_code` an e-mail and mail configured (409
 * `no_email`, `mail_not_configured`); `sms_code` a phone and the SMS gateway (409 `no_phone`,
 * `sms_not_configured`). The person is told by mail (`loginMethodChanged`) when they have an
 * e-mail, queued in this transaction.
 */
export function changeLoginMethod(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  loginMethod: LoginMethod,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const { em, audit } = ctx;
      requireAnyRight(ability, 'changeLoginMethod', 'user.login_method_changed', id);
      const user = await loadUser(em, id);
      authorize(ability, 'changeLoginMethod', asUserSubject(user), {
        auditAction: 'user.login_method_changed',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      if (user.loginMethod === loginMethod)
        return presentOne(em, user, services.config.hr.precedence);
      // Nobody could sign in: the provider comes from the configuration file alone (docs/sso.md).
      if (loginMethod === 'oidc' && !services.config.sso.oidc) throw ssoNotConfigured();
      const refusal =
        loginMethod === 'ldap'
          ? await ldapRefusal(services, user)
          : codeMethodRefusal(services, user, loginMethod);
      if (refusal) throw refusal;
      const before = { loginMethod: user.loginMethod };
      const passwordCleared = user.passwordHash != null;
      user.loginMethod = loginMethod;
      user.passwordHash = null;
      user.passwordChangedAt = null;
      await em.flush();
      // A provider account linked before is forgotten: a return to `oidc` matches once again.
      const oidcUnlinked = await forgetOidcIdentity(em, user.id);
      // Whatever the old method proved must stop working: every session and device ends.
      const revoked = countsOf(
        await changeCredentials(ctx, [user], 'login_method_changed', null),
        user.id,
      );
      audit({
        action: 'user.login_method_changed',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        diff: { before, after: { loginMethod } },
        details: { passwordCleared, oidcUnlinked, artefactsRevoked: revoked },
      });
      // A change the person did not ask for must not go unnoticed: they are told at their own
      // address (their sessions have just ended, too).
      if (user.email) {
        const locale = 'ru';
        const at = new Intl.DateTimeFormat('ru-RU', {
          dateStyle: 'long',
          timeStyle: 'short',
          timeZone: services.config.hr.timeZone,
        }).format(services.now());
        await enqueueMail(em, services.config, [
          {
            to: user.email,
            template: 'loginMethodChanged',
            locale,
            userId: user.id,
            params: { name: user.displayName, method: METHOD_LABELS[locale][loginMethod], at },
          },
        ]);
      }
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
