import type { EntityManager } from '@mikro-orm/postgresql';
import type { Source } from '../entities.ts';
import type { OrganizationDetailView, OrganizationView } from './schemas.ts';
import { isoSql } from './support.ts';

/** A row of ORGANIZATION_COLUMNS. */
export interface OrganizationRow {
  id: string;
  name: string;
  kind: 'department' | 'project';
  parent_id: string | null;
  description: string | null;
  source: Source;
  external_id: string | null;
  head_id: string | null;
  children_count: number;
  member_count: number;
  total_member_count: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * The columns of organization `o` with its direct counts (each an index lookup). The tree adds
 * its subtree totals set-based (listOrganizations.ts); a page or a card adds {@link TOTAL_MEMBERS}.
 */
export const ORGANIZATION_BASE_COLUMNS = `o.id, o.name, o.kind, o.parent_id, o.description, o.source,
  o.external_id, o.head_id, o.version, ${isoSql('o.created_at')} as created_at, ${isoSql('o.updated_at')} as updated_at,
  (select count(*) from organization c where c.parent_id = o.id)::int as children_count,
  (select count(*) from app_user u where u.organization_id = o.id)::int as member_count`;

/**
 * People of `o` and of every organization under it, for a page of rows (the tree computes all
 * totals at once instead). `union` (not `union all`) stops at a corrupt cycle.
 */
const TOTAL_MEMBERS = `(with recursive sub(id) as (
     select o.id union select c.id from organization c join sub on c.parent_id = sub.id
   ) select count(*) from app_user u join sub on u.organization_id = sub.id)::int as total_member_count`;

/** {@link ORGANIZATION_BASE_COLUMNS} with the subtree total: for a page or a single card. */
export const ORGANIZATION_COLUMNS = `${ORGANIZATION_BASE_COLUMNS},
  ${TOTAL_MEMBERS}`;

/** Presents an organization row. */
export function presentOrganization(row: OrganizationRow): OrganizationView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    parentId: row.parent_id,
    description: row.description,
    source: row.source,
    externalId: row.external_id,
    headId: row.head_id,
    childrenCount: row.children_count,
    memberCount: row.member_count,
    totalMemberCount: row.total_member_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Loads one organization with its parent and counts; null if there is none. */
export async function loadOrganizationView(
  em: EntityManager,
  id: string,
): Promise<OrganizationDetailView | null> {
  const [row] = await em.execute<(OrganizationRow & { parent_name: string | null })[]>(
    `select ${ORGANIZATION_COLUMNS}, p.name as parent_name
       from organization o left join organization p on p.id = o.parent_id
      where o.id = ?`,
    [id],
  );
  if (!row) return null;
  return {
    ...presentOrganization(row),
    parent:
      row.parent_id && row.parent_name !== null
        ? { id: row.parent_id, name: row.parent_name }
        : null,
  };
}
