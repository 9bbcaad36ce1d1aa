import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { migrationsList } from './migrations/index.ts';

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
