import { createHash } from 'node:crypto';
import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, safeEqual } from '../../shared/tokens.ts';
import { type DeviceInfo, messengerIneligibility } from '../commands/loginRules.ts';
import {
  continueMessengerLogin,
  type MessengerLoginStart,
} from '../messenger/startMessengerLogin.ts';
import { loginLimiter } from '../rateLimit.ts';
import { oidcSettings } from './client.ts';
import {
  limitOrRefuse,
  oidcCodeInvalid,
  oidcFailureEvent,
  oidcNotAllowed,
  refuseOidc,
} from './refusals.ts';

/** A handed-off login, as its row holds it. */
interface HandedOff {
  user_id: string;
  client_challenge: string;
  /** A string or a Date, by the driver's type parsers: read through `new Date`. */
  handoff_expires_at: Date | string;
  handoff_used_at: Date | string | null;
  device: DeviceInfo | null;
}

/** base64url(SHA-256(verifier)): the S256 transform of PKCE (RFC 7636). */
function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * The app's exchange of the one-time code from the callback's redirect (`POST /auth/oidc/token`),
 * with the verifier it started with. The code works once, within `handoffTtlSeconds`, and only
 * with that verifier (a wrong one uses it up too). The person is checked again (active, still
 * `oidc`: either may have changed since the callback); then the messenger login goes on exactly
 * as after a password: the second-factor policy, then the device session (`auth.login_succeeded`
 * with step `oidc`, `session.created`). Every exchange counts against the IP until it succeeds.
 */
export async function exchangeOidcCode(
  services: Services,
  meta: RequestMeta,
  input: { code: string; verifier: string },
): Promise<MessengerLoginStart> {
  oidcSettings(services.config);
  const limiter = loginLimiter(services);
  await limitOrRefuse(services, meta, () => limiter.consumeIp(meta.ip));
  const now = services.now();
  const user = await runCommand(services, anonymousActor(meta, 'sso'), async (ctx) => {
    // Locked, so of two concurrent exchanges of one code exactly one sees it unused.
    const [row] = await ctx.em.execute<HandedOff[]>(
      `select user_id, client_challenge, handoff_expires_at, handoff_used_at, device
         from oidc_login where handoff_hash = ? for update`,
      [hashToken(input.code)],
    );
    if (row && !row.handoff_used_at)
      await ctx.em.execute('update oidc_login set handoff_used_at = ? where handoff_hash = ?', [
        now,
        hashToken(input.code),
      ]);
    const valid =
      row &&
      !row.handoff_used_at &&
      new Date(row.handoff_expires_at) > now &&
      safeEqual(challengeOf(input.verifier), row.client_challenge);
    const person = row ? await ctx.em.findOne(User, { id: row.user_id }) : null;
    const device = row?.device ?? null;
    if (!valid || !person) {
      ctx.audit(oidcFailureEvent({ reason: 'oidc_code_invalid', user: person, device }));
      return ctx.failAfterCommit(oidcCodeInvalid());
    }
    return { person, device };
  });
  const { person, device } = user;
  const reason =
    person.loginMethod !== 'oidc' ? 'oidc_wrong_login_method' : messengerIneligibility(person);
  if (reason) return refuseOidc(services, meta, { reason, user: person, device }, oidcNotAllowed());
  const started = await continueMessengerLogin(
    services,
    meta,
    person,
    device ?? { name: null, platform: null },
    'oidc',
  );
  // The start and this exchange were a real login, not guesses: both go back to the IP.
  await limiter.ipAccepted(meta.ip, 2);
  return started;
}
