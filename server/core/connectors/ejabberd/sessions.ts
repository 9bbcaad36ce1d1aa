import { accountExists, kickUser, sessionResources } from './accounts.ts';
import { type EjabberdApi, EjabberdApiError } from './api.ts';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Closes the XMPP sessions of revoked device sessions. Messenger clients bind the device
 * session's id as their XMPP resource, so those are kicked one by one; a session whose resource
 * is not a session id cannot be attributed to a device and is kicked too (fail closed: a client
 * whose token is still good reconnects, a revoked one cannot). `'all'` kicks every session.
 */
export async function kickSessions(
  api: EjabberdApi,
  user: string,
  host: string,
  sessionIds: string[] | 'all',
  reason: string,
): Promise<void> {
  if (sessionIds === 'all') {
    await kickUser(api, user, host);
    return;
  }
  const revoked = new Set(sessionIds.map((id) => id.toLowerCase()));
  for (const resource of await sessionResources(api, user, host)) {
    if (revoked.has(resource.toLowerCase()) || !SESSION_ID.test(resource)) {
      await api.ok('kick_session', { user, host, resource, reason });
    }
  }
}

/**
 * Makes sure nobody is connected as `user@host` any more: `ban_account` kicks every session and
 * scrambles the password, and this checks that it really did (`user_sessions_info` empty),
 * kicking again if a session slipped in; throws (so the delivery is retried) if one remains.
 */
export async function banAccount(
  api: EjabberdApi,
  user: string,
  host: string,
  reason: string,
): Promise<void> {
  await api.ok('ban_account', { user, host, reason });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const left = await sessionResources(api, user, host);
    if (left.length === 0) return;
    await kickUser(api, user, host);
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
  const left = await sessionResources(api, user, host);
  if (left.length > 0)
    throw new EjabberdApiError('ban_account', 200, { sessionsLeft: left.length });
}

/**
 * Cuts a deactivated or suspended person off: `kick_user` first, one call that closes every
 * session at once (ejabberd sends the stream error before it answers) and is harmless for an
 * account that does not exist; only then the slower tidying, `ban_account` (which scrambles the
 * password) and its check, for an account that exists. `ban_account` must not come first: on
 * 23.01 it registers an unknown account. A suspension bans like a deactivation; shared roster
 * groups stay either way.
 */
export async function cutOff(
  api: EjabberdApi,
  user: string,
  host: string,
  reason: string,
): Promise<void> {
  await kickUser(api, user, host);
  if (await accountExists(api, user, host)) await banAccount(api, user, host, reason);
}
