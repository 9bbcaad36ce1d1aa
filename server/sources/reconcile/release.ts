import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../audit/actions.ts';
import { BATCH_ITEMS } from './batchItems.ts';

/**
 * Releases, for the batch's creates an admin decided on (plan.ts, PROPOSALS_SQL: the item is a
 * `create` naming the former person in proposed_user_id), the login and/or e-mail the new
 * person needs from that former person: set to NULL, since both are unique. Checked again here,
 * as the plan may be old (a run waiting for approval): the decision must still be `create` on
 * that person, who must still be a deactivated person of this source, not deactivated again
 * since the decision, and still hold the value. Nobody else may hold the new person's login or
 * e-mail: the create would then fail, and the former person would have lost them for nothing.
 * One former person releases for one item (two entries each needing one of their values wait
 * for the next run). Old values and the deciding admin come back for the audit.
 * Parameters: the source id, the batch (3), the source id, updated_at.
 */
const RELEASE_SQL = `
with r as materialized (
  select distinct on (x.id) x.id, p.seq, p.user_id as new_id, p.external_id,
         x.username as old_username, x.email as old_email,
         coalesce(x.username = p.record->>'username', false) as login,
         coalesce(lower(x.email) = p.record->>'email', false) as mail,
         coalesce(x.username, x.display_name, x.id::text) as label,
         dec.decided_by_id, dec.decided_at, dec.run_id as decided_in,
         coalesce(a.username, a.display_name, a.id::text) as decided_by
    from sync_plan_item p
    join sync_reconnect_decision dec
      on dec.source_id = ? and dec.external_id = p.external_id and dec.decision = 'create'
     and dec.user_id = p.proposed_user_id
    join app_user x on x.id = dec.user_id
    left join app_user a on a.id = dec.decided_by_id
   where ${BATCH_ITEMS} and p.action = 'create'
     and x.source_id = ? and x.status = 'deactivated'
     and coalesce(x.status_changed_at <= dec.decided_at, true)
     and (x.username = p.record->>'username' or lower(x.email) = p.record->>'email')
     and not exists (
       select 1 from app_user y
        where y.id <> x.id
          and (y.username = p.record->>'username' or lower(y.email) = p.record->>'email'
               or y.id = p.user_id))
   order by x.id, p.seq
)
update app_user x set
  username = case when r.login then null else x.username end,
  email = case when r.mail then null else x.email end,
  version = x.version + 1,
  updated_at = ?
  from r where x.id = r.id
returning r.id, r.seq, r.new_id, r.external_id, r.old_username, r.old_email, r.login, r.mail,
  r.label, r.decided_by_id, r.decided_at, r.decided_in, r.decided_by`;

interface ReleasedRow {
  id: string;
  seq: number;
  new_id: string;
  external_id: string;
  old_username: string | null;
  old_email: string | null;
  login: boolean;
  mail: boolean;
  label: string;
  decided_by_id: string | null;
  decided_at: Date | string;
  decided_in: string | null;
  decided_by: string | null;
}

/** What a batch released: the former people changed, and their audit events. */
export interface Released {
  /** The former people whose login and/or e-mail were released. */
  ids: string[];
  /** One `user.updated` per former person, with the old values and the deciding admin. */
  audit: AuditEventInput[];
}

/**
 * Releases the login and/or e-mail of former people for the batch's decided creates (see
 * RELEASE_SQL), in the batch's transaction and before its creates. One statement for the batch.
 */
export async function releaseForCreates(
  em: EntityManager,
  sourceId: string,
  batch: unknown[],
  now: Date,
  details: Record<string, unknown>,
): Promise<Released> {
  const rows = await em.execute<ReleasedRow[]>(RELEASE_SQL, [sourceId, ...batch, sourceId, now]);
  const audit = rows.map((row): AuditEventInput => {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const what: string[] = [];
    if (row.login) {
      before.username = row.old_username;
      after.username = null;
      what.push(`login ${row.old_username}`);
    }
    if (row.mail) {
      before.email = row.old_email;
      after.email = null;
      what.push(`e-mail ${row.old_email}`);
    }
    return {
      action: 'user.updated',
      targetType: 'user',
      targetId: row.id,
      targetLabel: row.label,
      reason: `${what.join(' and ')} released for a new person by ${row.decided_by ?? 'an admin'}'s decision`,
      diff: { before, after },
      details: {
        ...details,
        released: true,
        newUserId: row.new_id,
        externalId: row.external_id,
        decidedById: row.decided_by_id,
        decidedBy: row.decided_by,
        decidedAt: new Date(row.decided_at).toISOString(),
        decidedInRunId: row.decided_in,
      },
    };
  });
  return { ids: rows.map((row) => row.id), audit };
}
