import type { CoreDifference, DirectoryAccount } from '../types.ts';
import { type EjabberdApi, EjabberdApiError } from './api.ts';

function strings(command: string, body: unknown): string[] {
  if (!Array.isArray(body) || body.some((item) => typeof item !== 'string')) {
    throw new EjabberdApiError(command, 200, body);
  }
  return body as string[];
}

/**
 * Compares ejabberd's accounts (`registered_users`) and connected users (`connected_users`)
 * with the directory. Deactivated people keep their (banned) ejabberd account, so only being
 * *connected* counts as active in the core: ejabberd 23.01 keeps no "banned" flag.
 */
export async function reconcileAccounts(
  api: EjabberdApi,
  host: string,
  directory: readonly DirectoryAccount[],
): Promise<CoreDifference[]> {
  const registered = new Set(
    strings('registered_users', await api.get('registered_users', { host })).map((user) =>
      user.toLowerCase(),
    ),
  );
  const suffix = `@${host.toLowerCase()}`;
  const connected = new Set(
    strings('connected_users', await api.get('connected_users', {}))
      .map((jid) => jid.toLowerCase().split('/')[0] ?? '')
      .filter((bare) => bare.endsWith(suffix))
      .map((bare) => bare.slice(0, -suffix.length)),
  );
  const differences: CoreDifference[] = [];
  const known = new Set<string>();
  for (const person of directory) {
    const account = person.coreAccount.toLowerCase();
    known.add(account);
    if (person.active && !registered.has(account)) {
      differences.push({ kind: 'missing_in_core', userId: person.userId, coreAccount: account });
    } else if (!person.active && connected.has(account)) {
      differences.push({
        kind: 'active_in_core',
        userId: person.userId,
        username: person.username,
        coreAccount: account,
      });
    }
  }
  for (const account of registered) {
    if (!known.has(account)) differences.push({ kind: 'core_only', coreAccount: account });
  }
  return differences;
}
