import { createHash } from 'node:crypto';
import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, safeEqual } from '../../shared/tokens.ts';
import {
  type DeviceInfo,
  type LoginChannel,
  messengerIneligibility,
} from '../commands/loginRules.ts';
import {
  continueMessengerLogin,
  type MessengerLoginStart,
} from '../messenger/startMessengerLogin.ts';
import { loginLimiter } from '../rateLimit.ts';
import { oidcSettings } from './client.ts';
import type { ProviderAuthn } from './providerMfa.ts';
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
  channel: LoginChannel;
  provider_authn: ProviderAuthn | null;
}

/** base64url(SHA-256(verifier)): the S256 transform of PKCE (RFC 7636). */
export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A handed-off login whose one-time code and verifier checked out. */
export interface ClaimedHandoff {
  person: User;
  device: DeviceInfo | null;
  /** How the provider authenticated the person (`acr`/`amr` of the ID token). */
  authn: ProviderAuthn | null;
}

/**
 * Uses up a one-time code from the callback's redirect, whatever happens next. The code works
 * once, within `handoffTtlSeconds`, only for the channel whose login issued it, and only with the
 * verifier whose SHA-256 the start stored (a wrong one uses it up too). A refusal is audited and
 * answers 400 `oidc_code_invalid`. Counts against the client IP until the login completes (the
 * caller gives the points back then). The one place either channel redeems a code.
 */
export async function claimHandoff(
  services: Services,
  meta: RequestMeta,
  input: { code: string; verifier: string; channel: LoginChannel },
): Promise<ClaimedHandoff> {
  oidcSettings(services.config);
  await limitOrRefuse(
    services,
    meta,
    () => loginLimiter(services).consumeIp(meta.ip),
    null,
    input.channel,
  );
  const now = services.now();
  return runCommand(services, anonymousActor(meta, 'sso'), async (ctx) => {
    // Locked, so of two concurrent exchanges of one code exactly one sees it unused.
    const [row] = await ctx.em.execute<HandedOff[]>(
      `select user_id, client_challenge, handoff_expires_at, handoff_used_at, device, channel,
              provider_authn
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
      row.channel === input.channel &&
      new Date(row.handoff_expires_at) > now &&
      safeEqual(challengeOf(input.verifier), row.client_challenge);
    const person = row ? await ctx.em.findOne(User, { id: row.user_id }) : null;
    const device = row?.device ?? null;
    if (!valid || !person) {
      ctx.audit(
        oidcFailureEvent({
          reason: 'oidc_code_invalid',
          user: person,
          device,
          channel: input.channel,
        }),
      );
      return ctx.failAfterCommit(oidcCodeInvalid());
    }
    return { person, device, authn: row.provider_authn };
  });
}

/**
 * The app's exchange of the one-time code from the callback's redirect (`POST /auth/oidc/token`),
 * with the verifier it started with (see claimHandoff). The person is checked again (active,
 * still `oidc`: either may have changed since the callback); then the messenger login goes on
 * exactly as after a password: the second-factor policy, then the device session
 * (`auth.login_succeeded` with step `oidc`, `session.created`).
 */
export async function exchangeOidcCode(
  services: Services,
  meta: RequestMeta,
  input: { code: string; verifier: string },
): Promise<MessengerLoginStart> {
  const { person, device } = await claimHandoff(services, meta, {
    ...input,
    channel: 'messenger',
  });
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
  await loginLimiter(services).ipAccepted(meta.ip, 2);
  return started;
}
