import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { fieldOwners, type Precedence } from '../../shared/precedence.ts';
import type { User } from '../entities.ts';
import type { InvitationStatus } from './invitationFilter.ts';
import type { userView } from './schemas.ts';
import { ownedFields } from './sourceOwnership.ts';

/**
 * A person as the API shows them (the `userView` schema the OpenAPI document is made from; the
 * people list adds the invitation). Never carries the password hash.
 */
export type UserView = z.infer<typeof userView> & { invitation?: InvitationStatus };

/** Another person referred to from a card (who added, who initiated, who changed the status). */
export type PersonRef = NonNullable<UserView['addedBy']>;

/** A referred person's names. */
export type PersonNames = Omit<PersonRef, 'id'>;

/** The names a card refers to, resolved for a whole page at once. */
export interface UserRefs {
  organizations: Map<string, string>;
  people: Map<string, PersonNames>;
}

/**
 * A person's full name in the Russian order («Фамилия Имя Отчество») as SQL over the alias of
 * `app_user`; the patronymic is left out when there is none.
 */
export const fullNameSql = (alias: string) =>
  `concat_ws(' ', ${alias}.family_name, ${alias}.given_name, nullif(${alias}.middle_name, ''))`;

/** The same full name from a record (the person themselves, not a reference). */
export function fullNameOf(user: Pick<UserRecord, 'familyName' | 'givenName' | 'middleName'>) {
  return [user.familyName, user.givenName, user.middleName].filter(Boolean).join(' ');
}

/** The stored facts a view is built from (a loaded entity, or a row of the list query). */
export type UserRecord = Omit<User, 'passwordHash' | 'passwordChangedAt'>;

const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);

// A date column as YYYY-MM-DD: the entity maps it as a string; a raw row may carry a Date.
function day(value: string | Date | null | undefined): string | null {
  if (!value) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/**
 * Who owns each attribute of a person: the winning linked source per `precedence`. A record
 * without any source link but a non-manual `source` (people synced or imported before links
 * existed) keeps the fixed ownership of its source kind, so it stays protected as before.
 */
export function ownersOf(
  user: Pick<UserRecord, 'source' | 'sourceId' | 'hrSourceId'>,
  precedence: Precedence,
): Record<string, string> {
  const links = { sourceId: user.sourceId ?? null, hrSourceId: user.hrSourceId ?? null };
  if (links.sourceId !== null || links.hrSourceId !== null) {
    const owners: Record<string, string> = {};
    for (const [field, owner] of Object.entries(fieldOwners(links, precedence)))
      if (owner) owners[field] = owner;
    return owners;
  }
  return Object.fromEntries(
    ownedFields(user.source).map((field) => [
      field === 'organizationId' ? 'organization' : field,
      user.source,
    ]),
  );
}

/**
 * Resolves the organization and people names of a page of persons in one query, so presenting
 * a page never costs a query per row.
 */
export async function loadUserRefs(em: EntityManager, users: UserRecord[]): Promise<UserRefs> {
  const organizationIds = [...new Set(users.map((u) => u.organizationId).filter(isId))];
  const personIds = [
    ...new Set(
      users.flatMap((u) => [u.addedById, u.statusChangedById, u.initiatedById]).filter(isId),
    ),
  ];
  const refs: UserRefs = { organizations: new Map(), people: new Map() };
  if (organizationIds.length === 0 && personIds.length === 0) return refs;
  const rows = await em.execute<
    { kind: 'o' | 'p'; id: string; name: string; full_name: string | null }[]
  >(
    `select 'o' as kind, id, name, null as full_name from organization where id = any(?::uuid[])
     union all
     select 'p' as kind, p.id, p.display_name as name, ${fullNameSql('p')} as full_name
       from app_user p where p.id = any(?::uuid[])`,
    // PostgreSQL array literals: the driver would expand a JS array into a list of values.
    [`{${organizationIds.join(',')}}`, `{${personIds.join(',')}}`],
  );
  for (const row of rows) {
    if (row.kind === 'o') refs.organizations.set(row.id, row.name);
    else refs.people.set(row.id, { displayName: row.name, fullName: row.full_name ?? row.name });
  }
  return refs;
}

function isId(value: string | null | undefined): value is string {
  return typeof value === 'string';
}

function personRef(id: string | null | undefined, refs: UserRefs): PersonRef | null {
  if (!id) return null;
  const names = refs.people.get(id);
  return { id, displayName: names?.displayName ?? '', fullName: names?.fullName ?? '' };
}

/** Builds the API view of a person; `precedence` is config hr.precedence (field owners). */
export function presentUser(user: UserRecord, refs: UserRefs, precedence: Precedence): UserView {
  const organizationId = user.organizationId ?? null;
  return {
    id: user.id,
    username: user.username ?? null,
    coreAccount: user.coreAccount ?? null,
    familyName: user.familyName,
    givenName: user.givenName,
    middleName: user.middleName ?? null,
    fullName: fullNameOf(user),
    displayName: user.displayName,
    email: user.email ?? null,
    phone: user.phone ?? null,
    title: user.title ?? null,
    organization: organizationId
      ? { id: organizationId, name: refs.organizations.get(organizationId) ?? '' }
      : null,
    status: user.status,
    statusChangedAt: iso(user.statusChangedAt),
    statusChangedBy: personRef(user.statusChangedById, refs),
    statusReason: user.statusReason ?? null,
    loginMethod: user.loginMethod,
    role: user.role ?? null,
    rank: user.rank,
    addedBy: personRef(user.addedById, refs),
    initiatedBy: user.initiatedBy ?? null,
    initiatedByPerson: personRef(user.initiatedById, refs),
    source: user.source,
    externalId: user.externalId ?? null,
    sourceId: user.sourceId ?? null,
    hrSourceId: user.hrSourceId ?? null,
    employeeNumber: user.employeeNumber ?? null,
    hireDate: day(user.hireDate),
    terminationDate: day(user.terminationDate),
    fieldOwners: ownersOf(user, precedence),
    lastLoginAt: iso(user.lastLoginAt),
    createdAt: iso(user.createdAt) ?? '',
    updatedAt: iso(user.updatedAt) ?? '',
    version: user.version,
  };
}

/**
 * Presents one loaded person (one extra query for the names it refers to). Pass
 * `services.config.hr.precedence` where the configuration is at hand; the default precedence
 * is used otherwise.
 */
export async function presentOne(
  em: EntityManager,
  user: UserRecord,
  precedence: Precedence,
): Promise<UserView> {
  return presentUser(user, await loadUserRefs(em, [user]), precedence);
}
