import { ENTERPRISE_SCHEMA, HR_SCHEMA, SCIM_PREFIX, USER_SCHEMA } from '../urns.ts';

/** The id SCIM knows a person by (alias `u`): `scim_id` once reconnected, else `id`. */
export const SCIM_ID = 'coalesce(u.scim_id, u.id)';
/** The people SCIM shows: all but those a SCIM client deleted (RFC 7644 §3.6). */
export const SCIM_VISIBLE = 'u.scim_deleted_at is null';
/**
 * SCIM's userName (as sent, else the login), folded, in the C collation: what filters, sorting
 * and the uniqueness check compare, and what app_user_scim_user_name_idx indexes.
 */
export const USER_NAME_FOLDED = 'lower(coalesce(u.scim_user_name, u.username)) collate "C"';

/** The columns a SCIM User is built from (one row of USER_SELECT). */
export interface UserRow {
  /** The SCIM id (SCIM_ID). */
  id: string;
  /** SCIM's userName as sent, else the login. */
  user_name: string | null;
  username: string | null;
  family_name: string;
  given_name: string;
  middle_name: string | null;
  display_name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  status: 'pending' | 'active' | 'suspended' | 'deactivated';
  employee_number: string | null;
  scim_external_id: string | null;
  hire_date: string | null;
  termination_date: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
  rank: number;
  role: string | null;
  source_id: string | null;
  hr_source_id: string | null;
  organization: string | null;
}

/** The select list and joins of USER rows (alias `u`, organization `o`). */
export const USER_SELECT = `select ${SCIM_ID} as id,
  coalesce(u.scim_user_name, u.username) as user_name, u.username, u.family_name, u.given_name,
  u.middle_name, u.display_name, u.email, u.phone, u.title, u.status, u.employee_number,
  u.scim_external_id, u.hire_date::text as hire_date, u.termination_date::text as termination_date, u.created_at,
  u.updated_at, u.version, u.rank, u.role, u.source_id, u.hr_source_id, o.name as organization
  from app_user u left join organization o on o.id = u.organization_id`;

const iso = (value: Date | string) => new Date(value).toISOString();

/** The weak ETag of a resource version. */
export const etagOf = (version: number) => `W/"${version}"`;

/**
 * A person as a SCIM User with the enterprise and HR extensions. `active` is true only for
 * status active (a pending person, waiting for the first working day, reads as inactive).
 */
export function userResource(row: UserRow, origin: string): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA, HR_SCHEMA],
    id: row.id,
    ...(row.scim_external_id ? { externalId: row.scim_external_id } : {}),
    userName: row.user_name ?? row.id,
    name: {
      formatted: [row.given_name === '-' ? null : row.given_name, row.middle_name, row.family_name]
        .filter(Boolean)
        .join(' '),
      familyName: row.family_name,
      givenName: row.given_name,
      ...(row.middle_name ? { middleName: row.middle_name } : {}),
    },
    displayName: row.display_name,
    ...(row.title ? { title: row.title } : {}),
    active: row.status === 'active',
    ...(row.email ? { emails: [{ value: row.email, type: 'work', primary: true }] } : {}),
    ...(row.phone ? { phoneNumbers: [{ value: row.phone, type: 'work', primary: true }] } : {}),
    [ENTERPRISE_SCHEMA]: {
      ...(row.employee_number ? { employeeNumber: row.employee_number } : {}),
      ...(row.organization ? { department: row.organization, organization: row.organization } : {}),
    },
    [HR_SCHEMA]: {
      ...(row.hire_date ? { hireDate: row.hire_date } : {}),
      ...(row.termination_date ? { terminationDate: row.termination_date } : {}),
      ...(row.status === 'suspended' ? { suspended: true } : {}),
    },
    meta: {
      resourceType: 'User',
      created: iso(row.created_at),
      lastModified: iso(row.updated_at),
      location: `${origin}${SCIM_PREFIX}/Users/${row.id}`,
      version: etagOf(row.version),
    },
  };
  return resource;
}
