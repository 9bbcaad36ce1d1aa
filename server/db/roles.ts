import type pg from 'pg';

/**
 * The audit tables and what the runtime role may do on each: append, and read where reading the
 * log needs it. Everything else (UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER) is withheld. The
 * chaining trigger audit_chain_pending() is SECURITY DEFINER (owned by the owner role): it moves
 * the staged rows into audit_event and advances audit_chain_head on the writer's behalf.
 */
export const AUDIT_TABLE_GRANTS: Readonly<Record<string, readonly string[]>> = {
  audit_event: ['select'],
  audit_chain_head: ['select'],
  // Read by checks that must see events committed but not sealed yet (identity/addressHold.ts).
  audit_pending: ['select', 'insert'],
  // Where the keyless formula starts (signed by every checkpoint): read by verification only.
  audit_chain_formula: ['select'],
  // Where the chain starts after an archive: read by verification; only the owner's archive writes.
  audit_archive: ['select'],
};

/** What an audit table not listed above (`audit_*`, added by a later migration) gets: append. */
export const UNLISTED_AUDIT_TABLE_GRANTS: readonly string[] = ['select', 'insert'];

/** Tables the runtime role never touches (MikroORM's migration log). */
export const OWNER_ONLY_TABLES: readonly string[] = ['schema_migration'];

/** The schema pg-boss keeps its tables in; the runtime role creates them there at run time. */
export const JOBS_SCHEMA = 'pgboss';

/** The SECURITY DEFINER functions of our schema, and nothing else may be one. */
export const SECURITY_DEFINER_FUNCTIONS: readonly string[] = ['audit_chain_pending', 'audit_seal'];

/**
 * Functions of our schema that only the owner may execute: the archive's way past the audit
 * guard (`audit archive`, docs/audit.md). Revoked from PUBLIC and from the runtime role after
 * every migration, since the default privileges grant EXECUTE on every new function.
 */
export const OWNER_ONLY_FUNCTIONS: readonly string[] = ['audit_archive_through'];

/** The transaction-level advisory lock (namespace, key) that serializes grantRuntimePrivileges. */
const GRANTS_LOCK = [7_304, 1];

/** The default role names of the embedded database (an external server may use others). */
export const OWNER_ROLE = 'frisbee_owner';
export const RUNTIME_ROLE = 'frisbee_app';

const IDENTIFIER = /^[a-z_][a-z0-9_$]*$/;

/** A role or schema name quoted for SQL; only plain lower-case identifiers are accepted. */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

/** The user name in a postgres:// URL. */
export function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/** The same URL with another user and password. */
export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Creates a login role unless it exists, and sets its password. Run by a superuser (or a role
 * with CREATEROLE). The role gets no attributes beyond LOGIN.
 */
export async function ensureLoginRole(
  admin: pg.ClientBase,
  name: string,
  password: string,
): Promise<void> {
  const found = await admin.query('select 1 from pg_roles where rolname = $1', [name]);
  const literal = (await admin.query<{ l: string }>('select quote_literal($1) as l', [password]))
    .rows[0]?.l;
  if (found.rowCount === 0) {
    await admin.query(
      `create role ${ident(name)} login nosuperuser nocreatedb nocreaterole noinherit password ${literal}`,
    );
  } else {
    await admin.query(`alter role ${ident(name)} with login password ${literal}`);
  }
}

/**
 * The runtime role's grants, applied by the owner role after every migration (idempotent): DML
 * on the ordinary tables of `public`, USAGE on its sequences, EXECUTE on its functions (except
 * OWNER_ONLY_FUNCTIONS), default privileges so tables of later migrations get the same, and then
 * the audit tables narrowed to append (AUDIT_TABLE_GRANTS). pg-boss gets a schema of its own with
 * CREATE for the runtime role.
 */
export async function grantRuntimePrivileges(owner: pg.ClientBase, runtime: string): Promise<void> {
  const app = ident(runtime);
  const ownerName = (await owner.query<{ u: string }>('select current_user as u')).rows[0]?.u;
  if (!ownerName) throw new Error('no current user');
  const self = ident(ownerName);
  const tables = await owner.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and pg_get_userbyid(c.relowner) = current_user`,
  );
  await owner.query('begin');
  try {
    // Two processes starting at once would grant on the same objects concurrently, and
    // PostgreSQL fails one with "tuple concurrently updated": one at a time.
    await owner.query('select pg_advisory_xact_lock($1, $2)', GRANTS_LOCK);
    await owner.query(`grant usage on schema public to ${app}`);
    await owner.query(
      `alter default privileges for role ${self} in schema public
         grant select, insert, update, delete on tables to ${app}`,
    );
    await owner.query(
      `alter default privileges for role ${self} in schema public grant usage on sequences to ${app}`,
    );
    await owner.query(
      `alter default privileges for role ${self} in schema public grant execute on functions to ${app}`,
    );
    await owner.query(`grant usage on all sequences in schema public to ${app}`);
    for (const { name } of tables.rows) {
      const table = ident(name);
      await owner.query(`revoke all on ${table} from ${app}`);
      let privileges: readonly string[];
      if (OWNER_ONLY_TABLES.includes(name)) privileges = [];
      else if (name.startsWith('audit_'))
        privileges = AUDIT_TABLE_GRANTS[name] ?? UNLISTED_AUDIT_TABLE_GRANTS;
      else privileges = ['select', 'insert', 'update', 'delete'];
      if (privileges.length > 0)
        await owner.query(`grant ${privileges.join(', ')} on ${table} to ${app}`);
    }
    // Our functions: EXECUTE for the runtime role (SECURITY DEFINER ones for it alone), except
    // the owner-only ones, which nobody but the owner may run.
    const functions = await owner.query<{ name: string; signature: string; definer: boolean }>(
      `select p.proname as name, p.oid::regprocedure::text as signature, p.prosecdef as definer
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and pg_get_userbyid(p.proowner) = current_user`,
    );
    for (const { name, signature, definer } of functions.rows) {
      if (OWNER_ONLY_FUNCTIONS.includes(name)) {
        await owner.query(`revoke all on function ${signature} from public, ${app}`);
        continue;
      }
      if (definer) await owner.query(`revoke all on function ${signature} from public`);
      await owner.query(`grant execute on function ${signature} to ${app}`);
    }
    // pg-boss: a schema of its own (made by a migration), where the runtime role creates and
    // owns pg-boss's tables; nothing on ours beyond the grants above.
    await owner.query(`grant usage, create on schema ${ident(JOBS_SCHEMA)} to ${app}`);
    await owner.query('commit');
  } catch (error) {
    await owner.query('rollback');
    throw error;
  }
}

/**
 * An embedded database made before the role split belongs to the superuser: hands our schema's
 * objects to the owner role and pg-boss's to the runtime role. Run by the superuser; a no-op once
 * nothing is left to move.
 */
export async function transferOwnership(
  admin: pg.ClientBase,
  owner: string,
  runtime: string,
): Promise<void> {
  const superuser = (await admin.query<{ u: string }>('select current_user as u')).rows[0]?.u;
  for (const [schema, role] of [
    ['public', owner],
    [JOBS_SCHEMA, runtime],
  ] as const) {
    const to = ident(role);
    const objects = await admin.query<{ kind: string; name: string }>(
      `select case c.relkind when 'S' then 'sequence' when 'v' then 'view'
                when 'm' then 'materialized view' else 'table' end as kind,
              format('%I.%I', n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'S')
          and pg_get_userbyid(c.relowner) = $2
          and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
          and not (c.relkind = 'S' and exists (select 1 from pg_depend d
                   where d.objid = c.oid and d.deptype in ('a', 'i')))
       union all
       select 'function', p.oid::regprocedure::text
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = $1 and pg_get_userbyid(p.proowner) = $2
          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
       union all
       select 'type', format('%I.%I', n.nspname, t.typname)
         from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = $1 and pg_get_userbyid(t.typowner) = $2 and t.typtype in ('e', 'd', 'c')
          and t.typrelid = 0
          and not exists (select 1 from pg_depend d where d.objid = t.oid and d.deptype = 'e')`,
      [schema, superuser],
    );
    for (const { kind, name } of objects.rows) {
      await admin.query(`alter ${kind} ${name} owner to ${to}`);
    }
  }
  const jobs = await admin.query<{ o: string }>(
    'select pg_get_userbyid(nspowner) as o from pg_namespace where nspname = $1',
    [JOBS_SCHEMA],
  );
  if (jobs.rows[0]?.o === superuser)
    await admin.query(`alter schema ${ident(JOBS_SCHEMA)} owner to ${ident(owner)}`);
}
