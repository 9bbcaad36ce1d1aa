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
