import type { ApiResponses } from './generated/openapi';

/**
 * The console's names for the API's shapes. Each is taken from the types generated from the
 * service's OpenAPI document (./generated/openapi.ts), so a change to a route's schema that the
 * console does not follow fails `tsc` instead of a screen.
 */

/** A person's card, as `GET /users/:id` answers it. */
type UserCard = ApiResponses['getUser'];
/** A row of the people list, as `GET /users` answers it. */
type UserRow = ApiResponses['listUsers']['data'][number];

/**
 * A person as the console holds one: a row of the list, or a card. react-admin keeps both in
 * one cache, so the card's own fields (second factor, spaces, disclosures…) are optional. The
 * data provider adds `organizationId` (the organization's id) for the form's organization input.
 */
export type UserRecord = UserRow &
  Partial<Omit<UserCard, keyof UserRow>> & { organizationId?: string | null };

/** Back-office roles; `null` is a plain messenger user. */
export type Role = NonNullable<UserCard['role']>;
export type UserStatus = UserCard['status'];
export type Source = UserCard['source'];
export type LoginMethod = UserCard['loginMethod'];

/** A reference to a person as the API embeds it. */
export type PersonRef = NonNullable<UserCard['addedBy']>;

/** An enrollment link issued for a person who already had credentials. */
export type CredentialDisclosure = UserCard['credentialDisclosures'][number];

/** One status change of a person, as `GET /users/:id/status-history` lists it. */
export type StatusChange = ApiResponses['getStatusHistory']['data'][number];

/** Through which door a status change came (`docs/lifecycle.md`). */
export type StatusDoor = StatusChange['door'];

/** A status change asked of many people at once. */
export type BulkStatusAction = 'deactivate' | 'suspend' | 'activate';

/** What `POST /users/bulk/{action}` answers (the three actions answer alike). */
export type BulkStatusResult = ApiResponses['deactivateUsers'];

/** A device or back-office session of a person. */
export type SessionRecord = ApiResponses['listUserSessions']['data'][number];

/** One audit event. */
export type AuditEventRecord = ApiResponses['listAuditEvents']['data'][number];

/** What acted, when it was not a person (server/audit/actorKind.ts). */
export type ActorKind = AuditEventRecord['actor']['kind'];

/** A person's names as an audit event refers to them. */
export type AuditPerson = NonNullable<AuditEventRecord['actor']['person']>;

/** An organization (with tree fields when listed as a tree). */
export type OrganizationRecord = ApiResponses['listOrganizations']['data'][number];

/** What `GET /me` and `POST /session/totp` answer. */
export type MeBody = ApiResponses['getMe'];

/** A page of a list route. */
export interface Page<T> {
  data: T[];
  total: number;
  totalIsEstimate?: boolean;
  nextCursor?: string | null;
}
