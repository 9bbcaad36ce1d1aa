import type { EntityManager } from '@mikro-orm/postgresql';
import { isoSql } from '../organizations/support.ts';
import type { SpaceView } from './schemas.ts';

/** A row of SPACE_COLUMNS. */
export interface SpaceRow {
  id: string;
  name: string;
  description: string | null;
  organization_id: string | null;
  organization_name: string | null;
  member_count: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * The presented columns of space `s` joined to its organization `org`; the member count is a
 * correlated count on the (space_id, user_id) primary key, so a page costs one query.
 */
export const SPACE_COLUMNS = `s.id, s.name, s.description, s.organization_id, org.name as organization_name,
  (select count(*) from space_member m where m.space_id = s.id)::int as member_count,
  ${isoSql('s.created_at')} as created_at, ${isoSql('s.updated_at')} as updated_at, s.version`;

/** The FROM clause SPACE_COLUMNS expects. */
export const SPACE_FROM = 'space s left join organization org on org.id = s.organization_id';

/** Presents a space row. */
export function presentSpace(row: SpaceRow): SpaceView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    memberCount: row.member_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Loads one space with its member count; null if there is none. */
export async function loadSpaceView(em: EntityManager, id: string): Promise<SpaceView | null> {
  const [row] = await em.execute<SpaceRow[]>(
    `select ${SPACE_COLUMNS} from ${SPACE_FROM} where s.id = ?`,
    [id],
  );
  return row ? presentSpace(row) : null;
}
