import type { User } from '../../directory/entities.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import type { Services } from '../../shared/services.ts';

/**
 * The directory a person's password is checked against. For now the first configured source:
 * people get a source id column with the AD sync issue, and then this looks it up instead.
 * Null when no source is configured.
 */
export function sourceForUser(services: Services, _user: User): DirectorySource | null {
  return services.config.directorySources[0] ?? null;
}
