import type pg from 'pg';
import type { DirectorySource } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { normalizePerson } from '../../server/sources/normalize.ts';

/** The database half of a sync's floor: one set-based load of the same rows. */
export interface LoadFigures {
  /** Rows inserted into the copy of app_user. */
  rows: number;
  /** Seconds of the one `INSERT … SELECT` and its COMMIT. */
  seconds: number;
  /** Indexes on the copy (app_user's own, copied with LIKE … INCLUDING ALL). */
  indexes: number;
}

// The rows the sync would create: the reader's people, normalized as staging does, held in a
// temporary table before the clock starts (the floor's search is timed on its own).
const STAGE_SQL = `insert into floor_src (r)
  select x from jsonb_array_elements($1::jsonb) x`;

// One statement, the same columns and values the sync's create writes (CREATE_SQL in
// reconcile/apply.ts), the organization found through a hash join on its lower-cased name.
const LOAD_SQL = `
insert into floor_user (id, username, family_name, given_name, middle_name, display_name, email,
  phone, title, organization_id, status, status_changed_at, status_source, status_source_at,
  login_method, source, source_id, external_id, employee_number, created_at, updated_at)
select gen_random_uuid(), s.r->>'username', s.r->>'familyName', s.r->>'givenName',
       s.r->>'middleName', s.r->>'displayName', s.r->>'email', s.r->>'phone', s.r->>'title',
       org.id, 'active', now(), $1, now(), 'ldap', 'ad', $1, s.r->>'externalId',
       s.r->>'employeeId', now(), now()
  from floor_src s
  left join (select distinct on (lower(name)) lower(name) as n, id from organization
              order by lower(name), parent_id nulls first, created_at, id) org
    on org.n = lower(s.r->>'department')
 where not (s.r->>'disabled')::boolean and jsonb_array_length(s.r->'errors') = 0`;

/**
 * The same-index floor's load: the reader's rows (read untimed) staged into a temporary table,
 * then ONE `INSERT … SELECT` of them into `floor_user`, a real (WAL-logged) copy of `app_user`
 * with all its indexes, constraints and generated columns (`LIKE app_user INCLUDING ALL`),
 * committed. Run after the sync's full run, so the organizations it created exist; the copy is
 * dropped afterwards.
 */
export async function sameIndexLoad(
  services: Services,
  source: DirectorySource,
  sourceId: string,
): Promise<LoadFigures> {
  const client: pg.PoolClient = await services.pool.connect();
  try {
    await client.query('drop table if exists floor_user');
    await client.query('create temporary table floor_src (r jsonb)');
    const read = await createDirectoryReader(source, services).read({ mode: 'full' });
    for await (const page of read.pages)
      await client.query(STAGE_SQL, [JSON.stringify(page.map((p) => normalizePerson(p)))]);
    await client.query('analyze floor_src');
    await client.query('create table floor_user (like app_user including all)');
    const { rows: counted } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_indexes where tablename = 'floor_user'`,
    );
    await client.query(`set work_mem = '64MB'`);
    const started = performance.now();
    await client.query('begin');
    const inserted = await client.query(LOAD_SQL, [sourceId]);
    await client.query('commit');
    const seconds = (performance.now() - started) / 1_000;
    await client.query('drop table floor_user');
    await client.query('drop table floor_src');
    return { rows: inserted.rowCount ?? 0, seconds, indexes: counted[0]?.n ?? 0 };
  } finally {
    client.release();
  }
}
