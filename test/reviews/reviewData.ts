import { randomUUID } from 'node:crypto';
import type { User } from '../../server/directory/entities.ts';
import { createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';

/** The company an access review test works on. */
export interface ReviewCompany {
  rootId: string;
  /** Branch 0 has 20 spaces (60 memberships); the last branch has no head. */
  branchIds: string[];
  /** The head of each branch but the last (staff: they sign in to the back-office). */
  heads: User[];
  people: number;
  spaces: number;
  memberships: number;
}

const BRANCHES = 20;

/**
 * Builds, set-based in SQL, a company of `people` plain people in 20 branches under one root and
 * `spaces` spaces of three members each (people of the space's branch). Branch 0, whose head the
 * console tests sign in as (`firstHead`, else a new staff person), holds 20 spaces: 60 items to
 * review, three pages of the console.
 */
export async function reviewCompany(
  context: TestContext,
  prefix: string,
  people = 5_000,
  spaces = 2_000,
  firstHead?: User,
): Promise<ReviewCompany> {
  const { pool } = context.services;
  const rootId = randomUUID();
  const branchIds = Array.from({ length: BRANCHES }, () => randomUUID());
  await pool.query(`insert into organization (id, name, kind) values ($1, $2, 'department')`, [
    rootId,
    `Холдинг ${prefix}`,
  ]);
  await pool.query(
    `insert into organization (id, name, kind, parent_id)
     select b.id, 'Филиал ' || $2 || ' ' || b.n, 'department', $3
       from unnest($1::uuid[]) with ordinality as b(id, n)`,
    [branchIds, prefix, rootId],
  );
  await pool.query(
    `insert into app_user (id, username, family_name, given_name, display_name, email,
                           organization_id, status, source)
     select gen_random_uuid(), $2 || i, 'Сотрудников' || i, 'Пётр', 'Пётр Сотрудников' || i,
            $2 || i || '@corp.example.test', ($1::uuid[])[(i % 20) + 1], 'active', 'manual'
       from generate_series(1, $3::int) as i`,
    [branchIds, prefix, people],
  );
  await pool.query(
    `insert into space (id, name, organization_id)
     select gen_random_uuid(), 'Пространство ' || $2 || ' ' || lpad(j::text, 4, '0'),
            ($1::uuid[])[case when j <= 20 then 1 else 2 + (j % 19) end]
       from generate_series(1, $3::int) as j`,
    [branchIds, prefix, spaces],
  );
  const members = await pool.query(
    `with p as (
       select id, organization_id,
              row_number() over (partition by organization_id order by username) - 1 as k,
              count(*) over (partition by organization_id) as n
         from app_user where username like $1 || '%' and organization_id = any($2::uuid[])),
     s as (
       select id, organization_id, row_number() over (partition by organization_id order by name) - 1 as k
         from space where organization_id = any($2::uuid[]))
     insert into space_member (space_id, user_id)
     select s.id, p.id from s join p on p.organization_id = s.organization_id
        and p.k in ((s.k * 3) % p.n, (s.k * 3 + 1) % p.n, (s.k * 3 + 2) % p.n)`,
    [prefix, branchIds],
  );
  const heads: User[] = [];
  for (const [index, branchId] of branchIds.slice(0, -1).entries()) {
    const head =
      index === 0 && firstHead
        ? firstHead
        : await createPerson(context.services, {
            role: 'staff',
            familyName: `Руководителев${index}`,
            givenName: 'Глеб',
          });
    await pool.query('update organization set head_id = $1 where id = $2', [head.id, branchId]);
    heads.push(head);
  }
  return {
    rootId,
    branchIds,
    heads,
    people,
    spaces,
    memberships: members.rowCount ?? 0,
  };
}
