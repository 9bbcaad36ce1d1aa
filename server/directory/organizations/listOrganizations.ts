import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { accessCondition, type SqlCondition } from '../../authz/sql.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { Organization } from '../entities.ts';
import {
  type ListOrganizationsQuery,
  type OrganizationTreeNode,
  type OrganizationView,
  TREE_MAX_NODES,
} from './schemas.ts';
import { containsPattern } from './support.ts';
import {
  ORGANIZATION_BASE_COLUMNS,
  ORGANIZATION_COLUMNS,
  type OrganizationRow,
  presentOrganization,
} from './views.ts';

/** A page of organizations, or the flat tree. */
export interface OrganizationList<T> {
  data: T[];
  total: number;
}

function filtersOf(
  query: ListOrganizationsQuery,
  alias: string,
  withParent: boolean,
  access: SqlCondition,
) {
  // The same rules as a single read: a scoped role lists the organizations of its subtrees.
  const where: string[] = [access.sql];
  const params: unknown[] = [...access.params];
  if (query.q) {
    // fold_search on both sides, so the trigram index on fold_search(name) serves the search.
    where.push(`fold_search(${alias}.name) like fold_search(?)`);
    params.push(containsPattern(query.q));
  }
  if (query.kind) {
    where.push(`${alias}.kind = ?`);
    params.push(query.kind);
  }
  if (withParent && query.parentId === 'root') where.push(`${alias}.parent_id is null`);
  else if (withParent && query.parentId) {
    where.push(`${alias}.parent_id = ?`);
    params.push(query.parentId);
  }
  return { sql: `where ${where.join(' and ')}`, params };
}

/**
 * Lists organizations (read: superadmin, admin, auditor). Plain reads are not audited (the
 * directory structure is not personal data); denied attempts are, as `organization.listed`.
 */
export async function listOrganizations(
  services: Services,
  actor: Actor,
  query: ListOrganizationsQuery,
): Promise<OrganizationList<OrganizationView> | OrganizationList<OrganizationTreeNode>> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'Organization', {
      auditAction: 'organization.listed',
      targetType: 'Organization',
    });
    const access = accessCondition(em, ability, 'read', 'Organization', Organization, 'o.id');
    if (query.tree) return listTree(em, query, access);
    const filters = filtersOf(query, 'o', true, access);
    const rows = await em.execute<OrganizationRow[]>(
      `select ${ORGANIZATION_COLUMNS} from organization o ${filters.sql}
        order by o.name collate "und-x-icu", o.id limit ? offset ?`,
      [...filters.params, query.limit, query.offset],
    );
    const [count] = await em.execute<{ total: number }[]>(
      `select count(*)::int as total from organization o ${filters.sql}`,
      filters.params,
    );
    return { data: rows.map(presentOrganization), total: count?.total ?? 0 };
  });
}

type TreeRow = OrganizationRow & { depth: number; path: string[]; path_names: string[] };

/** The whole tree (or the subtree under `parentId`), depth-first, siblings by name. */
async function listTree(
  em: EntityManager,
  query: ListOrganizationsQuery,
  access: SqlCondition,
): Promise<OrganizationList<OrganizationTreeNode>> {
  const start = query.parentId && query.parentId !== 'root' ? 'parent_id = ?' : 'parent_id is null';
  const startParams = query.parentId && query.parentId !== 'root' ? [query.parentId] : [];
  const filters = filtersOf(query, 'o', false, access);
  // The sort key is the path of lower-cased names, so a node follows its parent and precedes
  // the next sibling of its parent; `not id = any(path)` guards against a corrupt cycle.
  // Subtree totals for the whole tree in the same statement: each person's organization counts
  // once for every node on its path (`unnest(path)`), so a company root is the sum of its tree.
  const rows = await em.execute<(TreeRow & { total: number })[]>(
    `with recursive tree as (
       select id, 0 as depth, array[id] as path, array[name] as path_names,
              array[lower(name)] as sort_key
         from organization where ${start}
       union all
       select c.id, t.depth + 1, t.path || c.id, t.path_names || c.name, t.sort_key || lower(c.name)
         from organization c join tree t on c.parent_id = t.id
        where not c.id = any(t.path)
     ),
     direct as (
       select organization_id as id, count(*) as n from app_user
        where organization_id is not null group by organization_id
     ),
     totals as (
       select a.id, sum(d.n)::int as n
         from tree t join direct d on d.id = t.id cross join unnest(t.path) as a(id)
        group by a.id
     )
     select ${ORGANIZATION_BASE_COLUMNS}, coalesce(s.n, 0) as total_member_count,
            t.depth, t.path::text[] as path, t.path_names,
            count(*) over ()::int as total
       from tree t join organization o on o.id = t.id left join totals s on s.id = t.id
       ${filters.sql}
      order by t.sort_key, t.path
      limit ${TREE_MAX_NODES}`,
    [...startParams, ...filters.params],
  );
  return {
    data: rows.map((row) => ({
      ...presentOrganization(row),
      depth: row.depth,
      path: row.path,
      pathNames: row.path_names,
    })),
    total: rows[0]?.total ?? 0,
  };
}
