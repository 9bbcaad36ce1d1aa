import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { grantRuntimePrivileges } from '../../server/db/roles.ts';
import { startSyncScheduler } from '../../server/sources/scheduler.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

// Least privilege (issue 15, scope 4; docs/database.md): the service's runtime role owns nothing
// and may only append to the audit tables.

const TABLE_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
];
/** Exactly what the runtime role holds on each audit table. */
const EXPECTED_AUDIT: Record<string, string[]> = {
  audit_event: ['SELECT'],
  audit_chain_head: ['SELECT'],
  audit_pending: ['SELECT', 'INSERT'],
  audit_chain_formula: ['SELECT'],
  audit_archive: ['SELECT'],
};
/** Anything beyond this on an audit table is more than append. */
const APPEND = new Set(['SELECT', 'INSERT']);
/** The only SECURITY DEFINER functions our schema may have. */
const EXPECTED_DEFINERS = [
  'app_user_analyze_if_stale()',
  'audit_chain_pending()',
  'audit_seal(boolean)',
  'sync_staging_analyze()',
  'sync_staging_release(uuid)',
];
/** Each definer's settings: a fixed search_path, and for the seal, its plan (AuditSealByIndex). */
const DEFINER_SETTINGS: Readonly<Record<string, string[]>> = {
  'audit_seal(boolean)': ['search_path=public, pg_temp', 'enable_seqscan=off'],
};
/** Functions only the owner may execute (the archive's way past the audit guard). */
const OWNER_ONLY = ['audit_archive_through(bigint,bytea,bytea)'];
const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];
const JOBS_SCHEMA = 'pgboss';

let context: TestContext;
const roles = inject('pgRoles');

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const asSuperuser = <T>(work: (client: pg.Client) => Promise<T>) =>
  withClient(context.databaseUrl, work);

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
});
afterAll(async () => {
  await context?.close();
});

describe("the runtime role's privileges, enumerated", () => {
  it('is a plain login role: no superuser, CREATEROLE, CREATEDB, BYPASSRLS, nor a member of the owner', async () => {
    const row = await asSuperuser(async (client) => {
      const { rows } = await client.query(
        `select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication,
                pg_has_role($1, $2, 'member') as member_of_owner
           from pg_roles where rolname = $1`,
        [roles.runtime, roles.owner],
      );
      return rows[0];
    });
    expect(row).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolbypassrls: false,
      rolreplication: false,
      member_of_owner: false,
    });
  });

  it('holds only append on every audit table, table- and column-wise', async () => {
    const held = await asSuperuser(async (client) => {
      const tables = await client.query<{ name: string; oid: number }>(
        `select c.relname as name, c.oid::int as oid from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
            and c.relname like 'audit\\_%' order by 1`,
      );
      const out: Record<string, string[]> = {};
      for (const { name, oid } of tables.rows) {
        out[name] = [];
        for (const privilege of TABLE_PRIVILEGES) {
          const { rows } = await client.query<{ has: boolean }>(
            'select has_table_privilege($1, $2::oid, $3) as has',
            [roles.runtime, oid, privilege],
          );
          if (rows[0]?.has) out[name].push(privilege);
        }
        // A column grant would escape the table-level view: UPDATE or REFERENCES on one column.
        const columns = await client.query<{ column: string; privilege: string }>(
          `select a.attname as column, p.privilege
             from pg_attribute a cross join unnest(array['UPDATE', 'REFERENCES']) as p(privilege)
            where a.attrelid = $2::oid and a.attnum > 0 and not a.attisdropped
              and has_column_privilege($1, a.attrelid, a.attnum, p.privilege)`,
          [roles.runtime, oid],
        );
        for (const { column, privilege } of columns.rows) out[name].push(`${privilege}(${column})`);
      }
      return out;
    });
    expect(Object.keys(held).sort()).toEqual(Object.keys(EXPECTED_AUDIT).sort());
    for (const [table, privileges] of Object.entries(held)) {
      expect(
        privileges.filter((p) => !APPEND.has(p)),
        `${table}: beyond append`,
      ).toEqual([]);
      expect(privileges, table).toEqual(EXPECTED_AUDIT[table]);
    }
  });

  it('holds no TRUNCATE, REFERENCES or TRIGGER on any table of ours, and nothing on the migration log', async () => {
    const extra = await asSuperuser(async (client) => {
      const { rows } = await client.query<{ name: string; privilege: string }>(
        `select c.relname as name, p.privilege
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           cross join unnest(array['TRUNCATE', 'REFERENCES', 'TRIGGER']) as p(privilege)
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and has_table_privilege($1, c.oid, p.privilege)`,
        [roles.runtime],
      );
      const migrations = await client.query<{ has: boolean }>(
        `select has_table_privilege($1, 'schema_migration', 'SELECT')
             or has_table_privilege($1, 'schema_migration', 'INSERT') as has`,
        [roles.runtime],
      );
      return { rows, migrationLog: migrations.rows[0]?.has };
    });
    expect(extra.rows).toEqual([]);
    expect(extra.migrationLog).toBe(false);
  });

  it('owns nothing: no schema, table, sequence, view, function or type outside its own pg-boss schema, and not the database', async () => {
    const owned = await asSuperuser(async (client) => {
      const { rows } = await client.query<{ kind: string; name: string }>(
        `select 'schema' as kind, nspname as name from pg_namespace
          where nspowner = (select oid from pg_roles where rolname = $1)
         union all
         select 'relation', format('%I.%I', n.nspname, c.relname) from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where c.relowner = (select oid from pg_roles where rolname = $1) and n.nspname <> $2
         union all
         select 'function', p.oid::regprocedure::text from pg_proc p
           join pg_namespace n on n.oid = p.pronamespace
          where p.proowner = (select oid from pg_roles where rolname = $1) and n.nspname <> $2
         union all
         select 'type', format('%I.%I', n.nspname, t.typname) from pg_type t
           join pg_namespace n on n.oid = t.typnamespace
          where t.typowner = (select oid from pg_roles where rolname = $1) and n.nspname <> $2
         union all
         select 'database', datname from pg_database
          where datdba = (select oid from pg_roles where rolname = $1)`,
        [roles.runtime, JOBS_SCHEMA],
      );
      return rows;
    });
    expect(owned).toEqual([]);
  });

  it('may not create in our schema or the database; may create only in the pg-boss schema, which the owner owns', async () => {
    const rights = await asSuperuser(async (client) => {
      const { rows } = await client.query(
        `select has_schema_privilege($1, 'public', 'CREATE') as public_create,
                has_database_privilege($1, current_database(), 'CREATE') as database_create,
                has_schema_privilege($1, $2, 'CREATE') as jobs_create,
                (select pg_get_userbyid(nspowner) from pg_namespace where nspname = $2) as jobs_owner,
                (select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'public') as public_owner`,
        [roles.runtime, JOBS_SCHEMA],
      );
      return rows[0];
    });
    expect(rights).toMatchObject({
      public_create: false,
      database_create: false,
      jobs_create: true,
      jobs_owner: roles.owner,
    });
    expect(rights.public_owner).not.toBe(roles.runtime);
  });

  it('every SECURITY DEFINER function is an expected one, owned by the owner, with a fixed search_path, not executable by PUBLIC', async () => {
    const definers = await asSuperuser(async (client) => {
      const { rows } = await client.query<{
        signature: string;
        schema: string;
        owner: string;
        config: string[] | null;
        public_execute: boolean;
      }>(
        `select p.oid::regprocedure::text as signature, n.nspname as schema,
                pg_get_userbyid(p.proowner) as owner, p.proconfig as config,
                exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                         where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_execute
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where p.prosecdef and n.nspname <> all($1::text[])
          order by 1`,
        [SYSTEM_SCHEMAS],
      );
      return rows;
    });
    expect(definers.map((d) => d.signature)).toEqual(EXPECTED_DEFINERS);
    for (const definer of definers) {
      expect(definer.schema).toBe('public');
      expect(definer.owner).toBe(roles.owner);
      expect(definer.config).toEqual(
        DEFINER_SETTINGS[definer.signature] ?? ['search_path=public, pg_temp'],
      );
      expect(definer.public_execute).toBe(false);
    }
  });

  it('may not execute the owner-only functions, and neither may PUBLIC', async () => {
    const rights = await asSuperuser(async (client) => {
      const { rows } = await client.query<{
        signature: string;
        runtime: boolean;
        public_execute: boolean;
        owner: string;
      }>(
        `select p.oid::regprocedure::text as signature,
                has_function_privilege($1, p.oid, 'EXECUTE') as runtime,
                exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                         where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_execute,
                pg_get_userbyid(p.proowner) as owner
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'public' and p.oid::regprocedure::text = any($2::text[])
          order by 1`,
        [roles.runtime, OWNER_ONLY],
      );
      return rows;
    });
    expect(rights).toEqual(
      OWNER_ONLY.map((signature) => ({
        signature,
        runtime: false,
        public_execute: false,
        owner: roles.owner,
      })),
    );
  });
});

describe('connected as the runtime role', () => {
  /** Runs `sql` as the runtime role and returns PostgreSQL's error, or null. */
  const attempt = (sql: string) =>
    withClient(context.runtimeUrl, async (client) => {
      try {
        await client.query(sql);
        return null;
      } catch (error) {
        const { code, message } = error as { code?: string; message: string };
        return { code, message };
      }
    });

  it('cannot change, remove, forge or unguard audit rows: permission errors, not the trigger', async () => {
    const refused: Record<string, RegExp> = {
      "update audit_event set reason = 'x' where seq = 1":
        /permission denied for table audit_event/,
      'delete from audit_event': /permission denied for table audit_event/,
      'truncate audit_event': /permission denied for table audit_event/,
      'alter table audit_event disable trigger audit_event_no_update':
        /must be owner of table audit_event/,
      'alter table audit_event disable trigger user': /must be owner of table audit_event/,
      'drop trigger audit_event_no_update on audit_event':
        /must be owner of (table|relation) audit_event/,
      "insert into audit_event (seq, at, actor_label, action, outcome, hash) values (999999, now(), 'x', 'x', 'success', '\\x00')":
        /permission denied for table audit_event/,
      'update audit_chain_head set seq = 0': /permission denied for table audit_chain_head/,
      'delete from audit_pending': /permission denied for table audit_pending/,
      'truncate audit_chain_head': /permission denied for table audit_chain_head/,
      "insert into audit_archive (through_seq, through_hash, bundle_sha256) values (1, '\\x00', '\\x00')":
        /permission denied for table audit_archive/,
      'delete from audit_archive': /permission denied for table audit_archive/,
      "select audit_archive_through(1, '\\x00', '\\x00')":
        /permission denied for function audit_archive_through/,
      'alter table audit_pending disable trigger audit_pending_chain':
        /must be owner of table audit_pending/,
      'alter function audit_chain_pending() security invoker':
        /must be owner of function audit_chain_pending/,
      'alter function audit_seal(boolean) security invoker': /must be owner of function audit_seal/,
      'create table public.intruder (id int)': /permission denied for schema public/,
      'create schema intruder': /permission denied for database/,
      [`set role ${roles.owner}`]: /permission denied to set role/,
    };
    for (const [sql, message] of Object.entries(refused)) {
      const error = await attempt(sql);
      expect(error, sql).not.toBeNull();
      expect(error?.code, sql).toBe('42501');
      expect(error?.message, sql).toMatch(message);
    }
  });

  it("does the service's normal work: an audited command commits its event through the chain", async () => {
    const superadmin = await signedIn(context, 'superadmin');
    const before = await verifyAuditChain(context.services.pool, {
      legacyKey: context.services.keys.audit,
    });
    const created = await superadmin.api.post<{ id: string }>('/api/v1/organizations', {
      name: 'Least privilege org',
      kind: 'department',
    });
    expect(created.status).toBe(201);
    const events = await asSuperuser(async (client) => {
      const { rows } = await client.query<{ action: string }>(
        'select action from audit_event where target_id = $1',
        [created.body.id],
      );
      return rows;
    });
    expect(events.length).toBeGreaterThanOrEqual(1);
    const after = await verifyAuditChain(context.services.pool, {
      legacyKey: context.services.keys.audit,
    });
    expect(after.ok).toBe(true);
    expect(BigInt(after.headSeq)).toBeGreaterThan(BigInt(before.headSeq));
  });

  it('grants from several processes starting at once do not collide ("tuple concurrently updated")', async () => {
    const grant = () =>
      withClient(context.ownerUrl, (client) => grantRuntimePrivileges(client, roles.runtime));
    await Promise.all([grant(), grant(), grant(), grant()]);
  });

  it('starts pg-boss: its tables are created in its own schema, by and for the runtime role', async () => {
    const scheduler = await startSyncScheduler(context.services);
    await scheduler.stop();
    const owners = await asSuperuser(async (client) => {
      const { rows } = await client.query<{ owner: string }>(
        `select distinct pg_get_userbyid(c.relowner) as owner from pg_class c
           join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`,
        [JOBS_SCHEMA],
      );
      return rows.map((row) => row.owner);
    });
    expect(owners).toEqual([roles.runtime]);
  });
});
