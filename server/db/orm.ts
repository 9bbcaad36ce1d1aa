import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { Organization, Space, SpaceMember, User } from '../directory/entities.ts';
import {
  BackofficeSession,
  DeviceSession,
  EnrollmentToken,
  LoginChallenge,
  RecoveryCode,
  TotpFactor,
} from '../identity/entities.ts';
import { syncEntities } from '../sources/entities.ts';
import { migrationsList } from './migrations/index.ts';

export type { EntityManager } from '@mikro-orm/postgresql';
export { MikroORM };

/** Every entity the ORM knows. */
export const entities = [
  User,
  Organization,
  Space,
  SpaceMember,
  BackofficeSession,
  LoginChallenge,
  TotpFactor,
  EnrollmentToken,
  DeviceSession,
  RecoveryCode,
  ...syncEntities,
];

/** Opens the ORM on a PostgreSQL URL; does not migrate. */
export async function openOrm(
  url: string,
  options: { poolMax?: number; debug?: boolean; log?: (message: string) => void } = {},
) {
  return MikroORM.init(
    defineConfig({
      clientUrl: url,
      entities,
      extensions: [Migrator],
      discovery: { warnWhenNoEntities: true },
      pool: { min: 0, max: options.poolMax ?? 10 },
      debug: options.debug ?? false,
      logger: options.log ?? (() => {}),
      allowGlobalContext: false,
      forceUtcTimezone: true,
      migrations: {
        migrationsList,
        tableName: 'schema_migration',
        transactional: true,
        allOrNothing: true,
        snapshot: false,
      },
    }),
  );
}

/** Applies every pending migration and returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
