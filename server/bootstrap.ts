import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { entities } from './entities.ts';
import type { Logger } from './logger.ts';
import { deriveKeys, loadMasterKey } from './shared/secrets.ts';
import type { Services } from './shared/services.ts';

/** Opens the database (embedded or external, migrated) and assembles the services. */
export async function startServices(
  config: Config,
  logger: Logger,
): Promise<{ services: Services; database: Database }> {
  const keys = deriveKeys(loadMasterKey(config));
  const database = await openDatabase(config, logger, entities);
  const services: Services = {
    config,
    orm: database.orm,
    pool: database.pool,
    keys,
    logger,
    now: () => new Date(),
  };
  return { services, database };
}

/** Whether any active superadmin exists (the service is unusable until one does). */
export async function hasActiveSuperadmin(services: Services): Promise<boolean> {
  const rows = await services.orm.em
    .fork()
    .execute<{ n: number }[]>(
      "select count(*)::int as n from app_user where role = 'superadmin' and status = 'active'",
    );
  return (rows[0]?.n ?? 0) > 0;
}
