import type { Actor } from '../../../authz/actor.ts';
import { grantsInForce } from '../../../authz/index.ts';
import { rankOf } from '../../../authz/roles.ts';
import { appendNoteSql, noteSql } from '../../reconcile/notes.ts';
import type { Queryable } from '../../reconcile/plan.ts';

/**
 * Where one of the requester's roles reaches in an import: organizations (a scope's subtrees,
 * descendants included; `null` the whole company) and the rank below which it may change people.
 */
interface ImportReach {
  orgs: readonly string[] | null;
  rank: number;
}

/** The requester's reaches; `null` when nothing limits them (a superadmin, the CLI). */
function reachesOf(actor: Actor, now: Date): ImportReach[] | null {
  if (actor.kind === 'system') return null;
  const grants = grantsInForce(actor, now);
  if (grants.some((grant) => grant.role === 'superadmin')) return null;
  // Auditors do not import; only the roles that add people reach anyone.
  return grants
    .filter((grant) => grant.role === 'admin' || grant.role === 'staff')
    .map((grant) => ({ orgs: grant.organizations, rank: rankOf(grant.role) }));
}

// `$2` is the reaches as jsonb: [{orgs: [uuid...] | null, rank}]. An organization is within a
// reach when the reach is company-wide or lists it (descendants are listed already).
const within = (org: string) => `(r->'orgs' = 'null'::jsonb or r->'orgs' ? (${org})::text)`;
const IN_SCOPE = (org: string) =>
  `exists (select 1 from jsonb_array_elements($2::jsonb) r where ${within(org)})`;
// The organization a department name lands in, as the apply resolves it (reconcile/apply.ts):
// an existing one of that name, roots first; none means a new root organization, outside scopes.
const LANDS_IN = (
  name: string,
) => `(select o.id from organization o where lower(o.name) = lower(${name})
   order by o.parent_id nulls first, o.created_at, o.id limit 1)`;

/**
 * The per-person rules of an import, as an afterPlan hook, in three statements: a requester
 * whose roles are scoped (issue 18) may not create people outside their subtrees, move anyone
 * out of them, nor change anyone outside them (`outside_scope`); and, inside what they reach, a
 * requester below superadmin may not change people of their own rank or above (staff: anyone
 * with a back-office role; admin: admins, auditors, superadmins: `insufficient_rank`). Such items
 * are blocked: never applied, even after approval. Superadmins and the CLI (the operator) have
 * no such limit.
 */
export function rankRule(
  actor: Actor,
  now: Date = new Date(),
): ((db: Queryable, runId: string) => Promise<void>) | undefined {
  const reaches = reachesOf(actor, now);
  if (reaches === null) return undefined;
  const reach = JSON.stringify(reaches);
  return async (db, runId) => {
    await db.query(
      `update sync_plan_item p set blocked = 'outside_scope',
              blocked_note = ${noteSql('blocked_outside_scope')},
              reason = concat_ws('; ', p.reason, 'outside the requester''s organizations'),
              notes = ${appendNoteSql(noteSql('requester_scope'))}
         from app_user u
        where p.run_id = $1 and u.id = p.user_id and p.blocked is null
          and p.action in ('update', 'deactivate', 'suspend', 'reactivate')
          and not ${IN_SCOPE('u.organization_id')}`,
      [runId, reach],
    );
    await db.query(
      `update sync_plan_item p set blocked = 'outside_scope',
              blocked_note = ${noteSql('blocked_outside_scope')},
              reason = concat_ws('; ', p.reason, 'lands outside the requester''s organizations'),
              notes = ${appendNoteSql(noteSql('requester_scope'))}
        where p.run_id = $1 and p.blocked is null
          and ((p.action = 'create'
                and not ${IN_SCOPE(LANDS_IN(`p.record->>'department'`))})
            or (p.diff -> 'organization' is not null
                and not ${IN_SCOPE(LANDS_IN(`p.diff->'organization'->>'to'`))}))`,
      [runId, reach],
    );
    await db.query(
      `update sync_plan_item p set blocked = 'insufficient_rank',
              blocked_note = ${noteSql('blocked_insufficient_rank')},
              reason = concat_ws('; ', p.reason, 'the requester may not change this person (their rank)'),
              notes = ${appendNoteSql(noteSql('requester_rank'))}
         from app_user u
        where p.run_id = $1 and u.id = p.user_id and p.blocked is null
          and p.action in ('update', 'deactivate', 'suspend', 'reactivate')
          and not exists (select 1 from jsonb_array_elements($2::jsonb) r
                           where ${within('u.organization_id')} and u.rank < (r->>'rank')::int)`,
      [runId, reach],
    );
  };
}
