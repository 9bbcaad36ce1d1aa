import type { EntityManager } from '@mikro-orm/postgresql';
import { type Action, type AppAbility, asUserSubject } from '../../authz/index.ts';

/** What authorization needs of a person (their rank and organization), with their audit label. */
export interface PersonFacts {
  id: string;
  rank: number;
  organizationId: string | null;
  label: string;
}

/** Loads the facts of the existing people among `ids`, in one statement. */
export async function loadPeopleFacts(
  em: EntityManager,
  ids: readonly string[],
): Promise<Map<string, PersonFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await em.execute<PersonFacts[]>(
    `select id, rank, organization_id as "organizationId",
            coalesce(username, display_name) as label
       from app_user where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify([...new Set(ids)])],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Splits `ids` into the people `ability` allows `action` on and the rest (missing people
 * included), in one statement: how set-based doors (space membership, bulk chunks) apply the
 * per-person rules, scope and rank, of a single action.
 */
export async function partitionByRight(
  em: EntityManager,
  ability: AppAbility,
  action: Action,
  ids: readonly string[],
): Promise<{ allowed: string[]; refused: string[]; facts: Map<string, PersonFacts> }> {
  const facts = await loadPeopleFacts(em, ids);
  const allowed: string[] = [];
  const refused: string[] = [];
  for (const id of new Set(ids)) {
    const person = facts.get(id);
    if (person && ability.can(action, asUserSubject(person))) allowed.push(id);
    else refused.push(id);
  }
  return { allowed, refused, facts };
}
