import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../directory/entities.ts';
import type { OidcConfig } from '../../shared/config/sso.ts';
import { type LoginFailureReason, messengerIneligibility } from '../commands/loginRules.ts';

/** The claims of a provider account that matter here (ID token, completed by userinfo). */
export interface ProviderClaims {
  iss: string;
  sub: string;
  [claim: string]: unknown;
}

/** Who a provider account is in the directory, or why nobody. */
export type Resolution =
  | { ok: true; user: User; linkedNow: boolean; matchedBy: OidcConfig['match']['by'] }
  | { ok: false; reason: LoginFailureReason; user: User | null };

/** The person linked to the pair (issuer, subject), if any. */
export async function linkedUserId(
  em: EntityManager,
  issuer: string,
  subject: string,
): Promise<string | null> {
  const [row] = await em.execute<{ user_id: string }[]>(
    'select user_id from oidc_identity where issuer = ? and subject = ?',
    [issuer, subject],
  );
  return row?.user_id ?? null;
}

/** Whether the first match needs a claim the ID token lacks (then userinfo is asked). */
export function matchClaimMissing(settings: OidcConfig, claims: Record<string, unknown>): boolean {
  const name = settings.match.by === 'email' ? 'email' : settings.match.claim;
  return claims[name] === undefined;
}

/** The value to match a person by, or why the claims offer none. */
function matchValue(
  settings: OidcConfig,
  claims: ProviderClaims,
): { value: string } | { reason: LoginFailureReason } {
  if (settings.match.by === 'email') {
    const email = claims.email;
    if (typeof email !== 'string' || email === '') return { reason: 'oidc_claim_missing' };
    // Only the provider's own word that it checked the address; a string "true" is not that.
    if (claims.email_verified !== true) return { reason: 'oidc_claim_unverified' };
    return { value: email };
  }
  const raw = claims[settings.match.claim];
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return { value: String(raw) };
  if (typeof raw !== 'string' || raw.trim() === '') return { reason: 'oidc_claim_missing' };
  return { value: raw.trim() };
}

/** Active `oidc` people the value matches (at most two: one is a match, two are ambiguous). */
async function candidates(
  em: EntityManager,
  settings: OidcConfig,
  value: string,
): Promise<string[]> {
  const column = settings.match.by === 'email' ? 'lower(email) = lower(?)' : 'employee_number = ?';
  const rows = await em.execute<{ id: string }[]>(
    `select id from app_user
      where ${column} and status = 'active' and login_method = 'oidc'
      order by id limit 2`,
    [value],
  );
  return rows.map((row) => row.id);
}

/**
 * Finds the person a provider account signs in, in the caller's transaction. The pair
 * (issuer, subject) is the identity: once linked, only it counts, whatever the claims say now.
 * Without a link, the account is matched ONCE by the configured verified claim to exactly one
 * active person whose login method is `oidc` and who is linked to no account yet; the link is
 * then stored (the caller audits `auth.oidc_linked`). A person already linked to another account
 * is never matched again: that is what keeps a second provider account carrying the same
 * e-mail out (the "nOAuth" flaw). Nobody is ever created. `eligibility` is the channel's own rule
 * (the back office also needs a role); a person it refuses is not linked either.
 */
export async function resolveProviderAccount(
  em: EntityManager,
  settings: OidcConfig,
  claims: ProviderClaims,
  now: Date,
  eligibility: (user: User) => LoginFailureReason | null = messengerIneligibility,
): Promise<Resolution> {
  const linked = await linkedUserId(em, claims.iss, claims.sub);
  if (linked) {
    const user = await em.findOneOrFail(User, { id: linked });
    if (user.loginMethod !== 'oidc') return { ok: false, reason: 'oidc_wrong_login_method', user };
    const refused = eligibility(user);
    if (refused) return { ok: false, reason: refused, user };
    return { ok: true, user, linkedNow: false, matchedBy: settings.match.by };
  }

  const match = matchValue(settings, claims);
  if ('reason' in match) return { ok: false, reason: match.reason, user: null };
  const ids = await candidates(em, settings, match.value);
  if (ids.length === 0) return { ok: false, reason: 'oidc_no_match', user: null };
  const user = await em.findOneOrFail(User, { id: ids[0] as string });
  if (ids.length > 1) return { ok: false, reason: 'oidc_ambiguous_match', user: null };
  const refused = eligibility(user);
  if (refused) return { ok: false, reason: refused, user };
  // The row lock orders two first logins of the same person: the second sees the first's link.
  await em.execute('select id from app_user where id = ? for update', [user.id]);
  const [existing] = await em.execute<{ issuer: string }[]>(
    'select issuer from oidc_identity where user_id = ?',
    [user.id],
  );
  if (existing) return { ok: false, reason: 'oidc_already_linked', user };
  await em.execute(
    `insert into oidc_identity (user_id, issuer, subject, matched_by, linked_at)
     values (?, ?, ?, ?, ?)`,
    [user.id, claims.iss, claims.sub, settings.match.by, now],
  );
  return { ok: true, user, linkedNow: true, matchedBy: settings.match.by };
}

/**
 * Forgets a person's provider account and their SSO logins in progress, in the caller's
 * transaction: called when their login method changes, so that a later return to `oidc` matches
 * once again (how an administrator re-binds a person whose provider account was recreated).
 * Returns whether a link existed.
 */
export async function forgetOidcIdentity(em: EntityManager, userId: string): Promise<boolean> {
  await em.execute('delete from oidc_login where user_id = ?', [userId]);
  const removed = await em.execute<{ user_id: string }[]>(
    'delete from oidc_identity where user_id = ? returning user_id',
    [userId],
  );
  return removed.length > 0;
}
