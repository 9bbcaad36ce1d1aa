import { call } from './call';
import type { ApiBodies, ApiResponses } from './generated/openapi';
import type { Page, Role } from './types';

/** A role a grant may give (superadmins are made from the command line only). */
export type GrantableRole = Exclude<Role, 'superadmin'>;

/** A role grant as `GET /users/:id/grants` shows it (server/identity/grants/schemas.ts). */
export type RoleGrantRecord = ApiResponses['listRoleGrants']['data'][number];

/** One organization of a grant's scope, named. */
export type ScopeOrganization = RoleGrantRecord['scope'][number];

/** What a new grant is made of. */
export type GrantInput = ApiBodies['grantRole'];

/** An organization as `GET /organizations` lists it: a row of the tree, or of a flat page. */
type OrganizationRow = ApiResponses['listOrganizations']['data'][number];

/** An organization of the tree (`tree=true`: with its depth and path), for the scope picker. */
export type OrganizationNode = Extract<OrganizationRow, { depth: number }>;

/** The grants of a person (in force first, then ended ones). */
export function listGrants(userId: string): Promise<Page<RoleGrantRecord>> {
  return call('listRoleGrants', { params: { id: userId } });
}

/** Grants a role (`POST /users/:id/grants`). */
export function grantRole(userId: string, input: GrantInput): Promise<RoleGrantRecord> {
  return call('grantRole', { params: { id: userId }, body: input });
}

/** Ends a grant with a reason. */
export function endGrant(
  userId: string,
  grantId: string,
  reason: string,
): Promise<RoleGrantRecord> {
  return call('endRoleGrant', { params: { id: userId, grantId }, body: { reason } });
}

/** The organization tree, depth-first (what the caller may read). */
export async function organizationTree(): Promise<Page<OrganizationNode>> {
  const page = await call('listOrganizations', { query: { tree: 'true' } });
  return { total: page.total, data: page.data.map(treeNode) };
}

/** A row of the tree; asked with `tree=true`, a row without its depth is the service's bug. */
function treeNode(row: OrganizationRow): OrganizationNode {
  if (!('depth' in row))
    throw new Error(`organization ${row.id} came without its place in the tree`);
  return row;
}
