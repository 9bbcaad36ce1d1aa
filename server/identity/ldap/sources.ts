import type { User } from '../../directory/entities.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import type { Services } from '../../shared/services.ts';
import { findDirectoryConnection } from '../../shared/storedSources.ts';

/**
 * The directory a person's password is checked against: the source that owns them (their
 * `sourceId`), whether it is defined in config/ or through the API, with its own bind password
 * (stored or from its prefixed variable). A person no directory source owns (set to LDAP login by
 * hand, or owned by an HR channel) is checked against the first configured source, as before
 * sources owned people. Null when there is none.
 */
export async function sourceForUser(
  services: Services,
  user: User,
): Promise<DirectorySource | null> {
  if (user.sourceId) {
    const owner = await findDirectoryConnection(services, user.sourceId);
    if (owner) return owner;
  }
  return services.config.directorySources[0] ?? null;
}
