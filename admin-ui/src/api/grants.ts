import type { ApiBodies, ApiResponses } from './generated/openapi';
import { api } from './http';
import type { Page, Role } from './types';

/** A role a grant may give (superadmins are made from the command line only). */
export type GrantableRole = Exclude<Role, 'superadmin'>;

/** A role grant as `GET /users/:id/grants` shows it (server/identity/grants/schemas.ts). */
export type RoleGrantRecord = ApiResponses['listRoleGrants']['data'][number];

/** One organization of a grant's scope, named. */
export type ScopeOrganization = RoleGrantRecord['scope'][number];

/** What a new grant is made of. */
export type GrantInput = ApiBodies['grantRole'];

/** An organization of the tree, for the scope picker. */
export interface OrganizationNode {
  id: string;
  name: string;
  depth: number;
  pathNames: string[];
}

const id = (value: string) => encodeURIComponent(value);

/** The grants of a person (in force first, then ended ones). */
export function listGrants(userId: string): Promise<Page<RoleGrantRecord>> {
  return api('GET', `/users/${id(userId)}/grants`);
}

/** Grants a role (`POST /users/:id/grants`). */
export function grantRole(userId: string, input: GrantInput): Promise<RoleGrantRecord> {
  return api('POST', `/users/${id(userId)}/grants`, input);
}

/** Ends a grant with a reason. */
export function endGrant(
  userId: string,
  grantId: string,
  reason: string,
): Promise<RoleGrantRecord> {
  return api('POST', `/users/${id(userId)}/grants/${id(grantId)}/end`, { reason });
}

/** The organization tree, depth-first (what the caller may read). */
export function organizationTree(): Promise<Page<OrganizationNode>> {
  return api('GET', '/organizations?tree=true');
}
