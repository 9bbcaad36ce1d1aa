import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../authz/roles.ts';
import {
  BATCH_SIZE,
  insertDemoStatusHistory,
  insertMemberships,
  insertOrganizations,
  insertPeople,
  insertSpaces,
} from './insert.ts';
import { buildOrganizationTree, DEMO_ROOT_MARKER, type DemoOrganization } from './organizations.ts';
import { type DemoPerson, PersonFactory, type TakenValues } from './people.ts';
import { Random } from './random.ts';
import { buildSpaces } from './spaces.ts';

/** The name of the demo company (the root organization; later runs add a number). */
export const DEMO_ROOT_NAME = 'АО «Северный ветер»';

/** What to generate. */
export interface SeedDemoOptions {
  people: number;
  /** Seed of the name generator (ids are always random). */
  seed?: number;
  now?: Date;
}

/** What was generated. */
export interface SeedDemoSummary {
  rootOrganizationId: string;
  rootName: string;
  people: number;
  operators: number;
  organizations: number;
  spaces: number;
  memberships: number;
}

/** The demo roots already in the database (empty: the demo was never loaded). */
export async function findDemoRoots(em: EntityManager): Promise<{ id: string; name: string }[]> {
  return em.execute<{ id: string; name: string }[]>(
    'select id::text as id, name from organization where external_id = ? and parent_id is null',
    [DEMO_ROOT_MARKER],
  );
}

async function takenValues(em: EntityManager): Promise<TakenValues> {
  const rows = await em.execute<
    { username: string | null; email: string | null; phone: string | null }[]
  >('select username, lower(email) as email, phone from app_user');
  const taken: TakenValues = { usernames: new Set(), emails: new Set(), phones: new Set() };
  for (const row of rows) {
    if (row.username) taken.usernames.add(row.username);
    if (row.email) taken.emails.add(row.email);
    if (row.phone) taken.phones.add(row.phone);
  }
  return taken;
}

/** About 0.6% of people hold a back-office role (never superadmin: that stays the operator's). */
function operatorRoles(people: number, rng: Random): Role[] {
  const count = Math.min(people, Math.max(3, Math.round(people * 0.006)));
  const roles: Role[] = ['admin', 'auditor', 'staff'];
  for (let i = roles.length; i < count; i++) {
    roles.push(
      rng.weighted([
        ['staff', 65],
        ['admin', 25],
        ['auditor', 10],
      ]),
    );
  }
  return roles.slice(0, count);
}

/** A batch of people, then the status history of those of them deactivated earlier. */
async function insertPeopleWithHistory(em: EntityManager, batch: readonly DemoPerson[]) {
  await insertPeople(em, batch);
  await insertDemoStatusHistory(
    em,
    batch.filter((person) => person.status === 'deactivated').map((person) => person.id),
  );
}

/**
 * Loads a demo directory inside the caller's transaction, set-based: organizations, people and
 * memberships go in with one multi-row INSERT per 5,000 rows. Memory holds the people's ids only.
 */
export async function seedDemoDirectory(
  em: EntityManager,
  options: SeedDemoOptions,
): Promise<SeedDemoSummary> {
  const now = options.now ?? new Date();
  const rng = new Random(options.seed ?? 20261121);
  const runs = (await findDemoRoots(em)).length;
  const suffix = runs === 0 ? '' : ` (${runs + 1})`;
  const tree = buildOrganizationTree(options.people, `${DEMO_ROOT_NAME}${suffix}`, rng);
  await insertOrganizations(em, tree.organizations, now);

  const factory = new PersonFactory(rng, await takenValues(em), now);
  const roles = operatorRoles(options.people, rng);
  const operators: string[] = [];
  const everyone: string[] = [];
  const active: string[] = [];
  let batch: DemoPerson[] = [];
  const placeOf = (): DemoOrganization | null => {
    const roll = rng.next();
    if (roll < 0.9) return rng.pick(tree.leaves);
    return roll < 0.97 ? rng.pick(tree.projects) : null;
  };
  for (let i = 0; i < options.people; i++) {
    const role = roles[i] ?? null;
    const place = role ? rng.pick(tree.divisions) : placeOf();
    const person = factory.make(place?.id ?? null, role, operators);
    if (role) operators.push(person.id);
    everyone.push(person.id);
    if (person.status === 'active') active.push(person.id);
    batch.push(person);
    // Operators go in the first batch, so every later added_by reference already exists.
    if (batch.length >= BATCH_SIZE || i === roles.length - 1) {
      await insertPeopleWithHistory(em, batch);
      batch = [];
    }
  }
  await insertPeopleWithHistory(em, batch);

  const spaces = buildSpaces(options.people, tree, rng, suffix);
  await insertSpaces(em, spaces, now);
  let memberships = 0;
  let pairs: [string, string][] = [];
  for (const space of spaces) {
    const members =
      space.size === 'everyone'
        ? active
        : sample(everyone, Math.min(space.size, everyone.length), rng);
    for (const userId of members) {
      pairs.push([space.id, userId]);
      if (pairs.length >= BATCH_SIZE) {
        await insertMemberships(em, pairs, now);
        memberships += pairs.length;
        pairs = [];
      }
    }
  }
  await insertMemberships(em, pairs, now);
  memberships += pairs.length;
  return {
    rootOrganizationId: tree.root.id,
    rootName: tree.root.name,
    people: options.people,
    operators: operators.length,
    organizations: tree.organizations.length,
    spaces: spaces.length,
    memberships,
  };
}

/** `count` distinct items drawn at random. */
function sample(items: readonly string[], count: number, rng: Random): string[] {
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(rng.pick(items));
  return [...chosen];
}
