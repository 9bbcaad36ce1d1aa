import { openBenchDatabase } from '../support/database.ts';
import { parseFilter } from '../../server/sources/hr/scim/filter.ts';
import { filterToSql } from '../../server/sources/hr/scim/filterSql.ts';
import { USER_COLUMNS } from '../../server/sources/hr/scim/users/list.ts';
import { USER_SELECT } from '../../server/sources/hr/scim/users/resource.ts';
const db = await openBenchDatabase('scim', { fresh: false, poolMax: 4 });
const { pool } = db.services;
for (const f of ['userName sw "iv"', 'name.familyName eq "Иванов" and active eq true', 'emails.value co "petrov"']) {
  const w = filterToSql(parseFilter(f), USER_COLUMNS);
  for (const q of [`select count(*)::int from app_user u left join organization o on o.id = u.organization_id where ${w.sql}`, `${USER_SELECT} where ${w.sql} order by u.created_at asc, u.id asc limit 100 offset 0`]) {
    const r = await pool.query(`explain (analyze, buffers) ${q}`, w.params);
    console.log(f, '\n', r.rows.map((x) => x['QUERY PLAN']).join('\n'));
  }
}
await db.close();
