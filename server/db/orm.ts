import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrationsList } from './migrations/index.ts';
import { grantRuntimePrivileges } from './roles.ts';

export type { EntityManager } from '@mikro-orm/postgresql';
export { MikroORM };

/** The entities the ORM maps (the list lives in server/entities.ts, above every capability). */
export type OrmEntities = NonNullable<Options['entities']>;

/** Opens the ORM on a PostgreSQL URL with the given entities; does not migrate. */
export async function openOrm(
  url: string,
  entities: OrmEntities,
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

/**
 * Applies every pending migration on the owner role's URL, then (given the runtime role's name)
 * re-applies the runtime role's grants as the owner (server/db/roles.ts). Returns the names
 * applied. With `runtimeRole` null there is one role for everything (least privilege off).
 */
export async function migrateAsOwner(
  ownerUrl: string,
  entities: OrmEntities,
  options: { runtimeRole: string | null; log?: (message: string) => void },
): Promise<string[]> {
  const orm = await openOrm(ownerUrl, entities, { poolMax: 2, log: options.log });
  let applied: string[];
  try {
    applied = await migrate(orm);
  } finally {
    await orm.close(true);
  }
  if (options.runtimeRole) {
    const owner = new pg.Client(ownerUrl);
    await owner.connect();
    try {
      await grantRuntimePrivileges(owner, options.runtimeRole);
    } finally {
      await owner.end();
    }
  }
  return applied;
}
