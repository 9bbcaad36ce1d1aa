import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBound } from '../../db/execute.ts';
import type { CorePerson } from '../../outbox/events.ts';
import type { User } from '../entities.ts';

/** The stored facts a CorePerson is built from. */
type PersonFacts = Pick<
  User,
  | 'id'
  | 'username'
  | 'displayName'
  | 'familyName'
  | 'givenName'
  | 'middleName'
  | 'email'
  | 'phone'
  | 'title'
  | 'organizationId'
>;

/**
 * A person as the core sees them, or null when they have no username: the core names accounts
 * by username, so a person without one has no core account (they get one with their first
 * username, through `person.upserted`).
 */
export function toCorePerson(
  user: PersonFacts,
  organizationName: string | null,
): CorePerson | null {
  if (!user.username) return null;
  const organizationId = user.organizationId ?? null;
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    familyName: user.familyName,
    givenName: user.givenName,
    middleName: user.middleName ?? null,
    email: user.email ?? null,
    phone: user.phone ?? null,
    title: user.title ?? null,
    organization: organizationId ? { id: organizationId, name: organizationName ?? '' } : null,
  };
}

/** Builds the CorePerson of one loaded person (one query for the organization's name). */
export async function loadCorePerson(
  em: EntityManager,
  user: PersonFacts,
): Promise<CorePerson | null> {
  if (!user.username) return null;
  let name: string | null = null;
  if (user.organizationId) {
    const [row] = await em.execute<{ name: string }[]>(
      'select name from organization where id = ?',
      [user.organizationId],
    );
    name = row?.name ?? null;
  }
  return toCorePerson(user, name);
}

interface PersonRow {
  id: string;
  username: string | null;
  display_name: string;
  family_name: string;
  given_name: string;
  middle_name: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  organization_id: string | null;
  organization_name: string | null;
}

/**
 * Builds the CorePersons of many people in one query (bulk paths: sync, import, reconciliation).
 * People without a username are left out. Returned in the order of `userIds`.
 */
export async function loadCorePeople(
  em: EntityManager,
  userIds: readonly string[],
): Promise<CorePerson[]> {
  if (userIds.length === 0) return [];
  const rows = await executeBound<PersonRow>(
    em,
    `select u.id, u.username, u.display_name, u.family_name, u.given_name, u.middle_name,
            u.email, u.phone, u.title, u.organization_id, o.name as organization_name
       from unnest(?::uuid[]) with ordinality as w(id, n)
       join app_user u on u.id = w.id
       left join organization o on o.id = u.organization_id
      order by w.n`,
    // A PostgreSQL array literal: the driver would expand a JS array into a list of values.
    [`{${userIds.join(',')}}`],
  );
  const people: CorePerson[] = [];
  for (const row of rows) {
    const person = toCorePerson(
      {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        familyName: row.family_name,
        givenName: row.given_name,
        middleName: row.middle_name,
        email: row.email,
        phone: row.phone,
        title: row.title,
        organizationId: row.organization_id,
      },
      row.organization_name,
    );
    if (person) people.push(person);
  }
  return people;
}

/**
 * The stored `person.upserted` payload of a person as a SQL jsonb expression over `u`, a row
 * with app_user's columns, and `organizationName`, a SQL text expression: exactly what
 * toCorePerson() and withCoreAccounts() make of the same row (tested side by side), for bulk
 * statements that announce the people they write without bringing them back to JavaScript.
 * Only for rows with a username (the caller filters).
 */
export function corePersonPayloadSql(u: string, organizationName: string): string {
  return `jsonb_build_object('type', 'person.upserted', 'key', ${u}.id::text,
    'person', jsonb_build_object(
      'userId', ${u}.id::text, 'username', ${u}.username, 'displayName', ${u}.display_name,
      'familyName', ${u}.family_name, 'givenName', ${u}.given_name,
      'middleName', ${u}.middle_name, 'email', ${u}.email, 'phone', ${u}.phone, 'title', ${u}.title,
      'organization', case when ${u}.organization_id is null then null
        else jsonb_build_object('id', ${u}.organization_id::text, 'name', coalesce(${organizationName}, '')) end,
      'coreAccount', ${u}.core_account))`;
}
