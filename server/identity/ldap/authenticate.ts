import type { Client, Entry } from 'ldapts';
import type { User } from '../../directory/entities.ts';
import { bindPasswordOf, type DirectorySource } from '../../shared/config/directorySources.ts';
import type { Services } from '../../shared/services.ts';
import type { CredentialCheck } from '../credentialCheck.ts';
import { isAccountBlocked, stateAttributes } from './accountState.ts';
import { classifyBindError } from './bindErrors.ts';
import { closeQuietly, connectClient } from './client.ts';
import { hasControlCharacters, loginFilter } from './filter.ts';
import { sourceForUser } from './sources.ts';

/**
 * The person's one entry under any of the source's base DNs, or null when there is none or the
 * name is ambiguous (two entries, under one base or two). Bases are searched in order and the
 * search stops as soon as two are found.
 */
async function findEntry(
  client: Client,
  source: DirectorySource,
  username: string,
): Promise<Entry | null> {
  const found: Entry[] = [];
  for (const base of source.baseDns) {
    const { searchEntries } = await client.search(base, {
      scope: 'sub',
      filter: loginFilter(source.userFilter, source.loginAttribute, username),
      attributes: stateAttributes(source),
      // Two are enough to tell "one" from "ambiguous"; AD answers sizeLimitExceeded past that.
      sizeLimit: 2,
      timeLimit: Math.ceil(source.timeoutMs / 1000),
    });
    found.push(...searchEntries);
    if (found.length > 1) return null;
  }
  return found[0] ?? null;
}

type Outcome = CredentialCheck | { failedAt: 'service' | 'person'; error: unknown };

/**
 * Service bind, search, then a bind as the person on the same connection (LDAP allows re-binding;
 * it saves a TCP and TLS handshake). The connection is closed in every case.
 */
async function check(
  services: Services,
  source: DirectorySource,
  username: string,
  password: string,
): Promise<Outcome> {
  const client = await connectClient(source);
  try {
    let entry: Entry | null;
    try {
      await client.bind(source.bindDn, bindPasswordOf(source));
      entry = await findEntry(client, source, username);
    } catch (error) {
      return { failedAt: 'service', error };
    }
    if (!entry) return 'wrong';
    // Judged from the entry before binding: a blocked account gets no password attempt (no bad
    // password counted, no lockout pushed further) and AD answers 52e, not 533/701, to a blocked
    // account with a wrong password anyway.
    if (isAccountBlocked(source, entry, services.now())) return 'disabled';
    try {
      await client.bind(entry.dn, password);
      return 'ok';
    } catch (error) {
      return { failedAt: 'person', error };
    }
  } finally {
    await closeQuietly(client);
  }
}

/**
 * Checks a password by binding to the person's directory as the person: the service account
 * finds their entry by `(&<userFilter>(<loginAttribute>=<username>))` (value escaped per RFC
 * 4515), a disabled, expired or locked entry is `disabled`, otherwise a simple bind with the
 * password decides. An empty password is refused before anything is sent: LDAP treats a bind
 * with a name and no password as an anonymous bind that "succeeds" (RFC 4513 §5.1.2); so is a
 * username with control characters (see {@link hasControlCharacters}).
 * Network failures, timeouts and a broken service account are `unavailable`.
 */
export async function verifyLdapPassword(
  services: Services,
  user: User,
  password: string,
): Promise<CredentialCheck> {
  if (password.length === 0 || !user.username || hasControlCharacters(user.username))
    return 'wrong';
  let source: DirectorySource | null;
  try {
    source = await sourceForUser(services, user);
  } catch (error) {
    // A stored source that no longer validates, or the database unreachable: not a wrong password.
    services.logger.warn(
      { userId: user.id, error: error instanceof Error ? error.message : String(error) },
      'ldap login: the directory source could not be loaded',
    );
    return 'unavailable';
  }
  if (!source) {
    services.logger.warn({ userId: user.id }, 'ldap login: no directory source is configured');
    return 'unavailable';
  }
  let outcome: Outcome;
  try {
    outcome = await check(services, source, user.username, password);
  } catch (error) {
    outcome = { failedAt: 'service', error };
  }
  if (typeof outcome === 'string') return outcome;
  const { failedAt, error } = outcome;
  const result = failedAt === 'person' ? classifyBindError(error) : 'unavailable';
  if (result === 'unavailable')
    services.logger.warn(
      {
        source: source.id,
        step: failedAt,
        error: error instanceof Error ? error.message : String(error),
      },
      'ldap login: directory unavailable',
    );
  return result;
}
