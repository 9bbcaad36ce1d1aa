import type { ApiResponses } from './generated/openapi';

/*
 * The access views' shapes (issue 18), as server/identity/access/schemas.ts defines them.
 */

/** The company views, as `/access/:view` names them. */
export const ACCESS_VIEWS = [
  'dormant',
  'orphaned',
  'no-second-factor',
  'unused-backoffice',
] as const;
export type AccessViewName = (typeof ACCESS_VIEWS)[number];

/** One row of a company view; the console gives it the person's id as its own (dataProvider). */
export type AccessRow = ApiResponses['listAccessView']['data'][number] & { id: string };

/** `GET /users/:id/access`. */
export type PersonAccess = ApiResponses['getPersonAccess'];

/** Why a person is in a space (`space_member.via`). */
export type MembershipVia = PersonAccess['spaces'][number]['via'];
/** Why a person is in their organization. */
export type OrganizationVia = NonNullable<PersonAccess['organization']>['via'];
