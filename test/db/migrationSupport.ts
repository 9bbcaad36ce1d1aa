import type { AbstractSqlDriver } from '@mikro-orm/knex';
import type { Migration } from '@mikro-orm/migrations';
import pg from 'pg';
import type { TestContext } from '../support/harness.ts';

type MigrationClass = new (...args: ConstructorParameters<typeof Migration>) => Migration;

/** The statements of a migration's `up`, as MikroORM would run them. */
export async function migrationUpSql(context: TestContext, Class: MigrationClass): Promise<string> {
  const { orm } = context.services;
  const migration = new Class(orm.em.getDriver() as unknown as AbstractSqlDriver, orm.config);
  await migration.up();
  return migration
    .getQueries()
    .map((query) => String(query))
    .join(';\n');
}

/**
 * Runs `body` as the owner role (migrations run as it, docs/database.md; the runtime role may
 * not create a schema) in a transaction whose search path is a schema of its own, where the test
 * makes the tables as they were before a migration; all of it is rolled back.
 */
export async function inScratchSchema(
  context: TestContext,
  schema: string,
  body: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const client = new pg.Client(context.ownerUrl);
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`create schema ${schema}`);
    await client.query(`set local search_path = ${schema}`);
    await body(client);
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}
