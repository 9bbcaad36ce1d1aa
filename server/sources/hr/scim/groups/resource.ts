import { GROUP_SCHEMA, SCIM_PREFIX } from '../urns.ts';
import { SCIM_ID, SCIM_VISIBLE } from '../users/resource.ts';

/** The columns a SCIM Group is built from. */
export interface GroupRow {
  id: string;
  name: string;
  source: string;
  external_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

/** A member as SCIM lists it. */
export interface MemberRow {
  space_id: string;
  /** The member's SCIM id. */
  member_id: string;
  display_name: string;
}

export const GROUP_SELECT =
  'select s.id, s.name, s.source, s.external_id, s.created_at, s.updated_at, s.version from space s';

/**
 * Members of some spaces, in one query, by SCIM id; people a SCIM client deleted are not shown
 * (their memberships are kept, as for any deactivated person, and SCIM leaves them alone).
 */
export const MEMBERS_SELECT = `select m.space_id, ${SCIM_ID} as member_id, u.display_name
  from space_member m join app_user u on u.id = m.user_id
  where m.space_id = any($1::uuid[]) and ${SCIM_VISIBLE}
  order by m.space_id, m.added_at, m.user_id`;

const iso = (value: Date | string) => new Date(value).toISOString();

/** A space as a SCIM Group; `members` null leaves the attribute out (excluded by the client). */
export function groupResource(
  row: GroupRow,
  members: MemberRow[] | null,
  origin: string,
): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    displayName: row.name,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.member_id,
            display: m.display_name,
            type: 'User',
            $ref: `${origin}${SCIM_PREFIX}/Users/${m.member_id}`,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: iso(row.created_at),
      lastModified: iso(row.updated_at),
      location: `${origin}${SCIM_PREFIX}/Groups/${row.id}`,
      version: `W/"${row.version}"`,
    },
  };
}
