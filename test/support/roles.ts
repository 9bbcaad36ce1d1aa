import pg from 'pg';
import { migrateAsOwner } from '../../server/db/orm.ts';
import { ensureLoginRole, ident, withCredentials } from '../../server/db/roles.ts';
import { entities } from '../../server/entities.ts';

/** The two database roles of a test run (docs/database.md): names and passwords. */
export interface TestRoles {
  owner: string;
  ownerPassword: string;
  runtime: string;
  runtimePassword: string;
}

/** A database's URL on a server, from the server's maintenance (superuser) URL. */
export function databaseUrlOn(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The owner role's and the runtime role's URLs of a database. */
export function roleUrls(adminUrl: string, database: string, roles: TestRoles) {
  const url = databaseUrlOn(adminUrl, database);
  return {
    ownerUrl: withCredentials(url, roles.owner, roles.ownerPassword),
    runtimeUrl: withCredentials(url, roles.runtime, roles.runtimePassword),
  };
}

/**
 * Makes the run's roles on a server (superuser `adminUrl`) and a migrated template owned by the
 * owner role: migrations run as the owner, which then grants the runtime role its privileges,
 * exactly as the service does at start (server/db/orm.ts migrateAsOwner).
 */
export async function prepareTemplate(
  adminUrl: string,
  template: string,
  roles: TestRoles,
): Promise<void> {
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    await ensureLoginRole(admin, roles.owner, roles.ownerPassword);
    await ensureLoginRole(admin, roles.runtime, roles.runtimePassword);
    await admin.query(`create database "${template}" owner ${ident(roles.owner)}`);
  } finally {
    await admin.end();
  }
  await migrateAsOwner(roleUrls(adminUrl, template, roles).ownerUrl, entities, {
    runtimeRole: roles.runtime,
  });
}

/** Drops the run's roles (after its databases are gone). */
export async function dropRoles(adminUrl: string, roles: TestRoles): Promise<void> {
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    for (const role of [roles.runtime, roles.owner])
      await admin.query(`drop role if exists ${ident(role)}`);
  } finally {
    await admin.end();
  }
}
