import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A delivery address (e-mail, phone) changed by hand holds every credential sent to it this long
 * (issue 14, scope 4): invitations and one-time login codes alike. One rule, one place.
 */
export const HOLD_HOURS = 24;

/** The fields credentials are delivered to. */
export const DELIVERY_FIELDS = ['email', 'phone'] as const;
/** A field credentials are delivered to. */
export type DeliveryField = (typeof DELIVERY_FIELDS)[number];

/** A hand-made change that still holds: who made it, when, and when it stops holding. */
export interface AddressHold {
  field: DeliveryField;
  byId: string;
  at: Date;
  until: Date;
}

/**
 * The last hand-made change of a person's `field` within HOLD_HOURS that no second person has
 * approved since (`user.delivery_address_approved`), or null. A change by a directory source or
 * SCIM has no person as its actor and does not hold: the source owns the field. Read from the
 * audit log, which records every profile edit in the edit's own transaction.
 */
export async function recentHandAddressChange(
  em: EntityManager,
  userId: string,
  field: DeliveryField,
  now: Date,
): Promise<AddressHold | null> {
  return (await recentHandAddressChanges(em, [userId], field, now)).get(userId) ?? null;
}

/**
 * recentHandAddressChange for many people in one statement (bulk paths are set-based): the
 * holds that apply, by person id; people without one are absent.
 */
export async function recentHandAddressChanges(
  em: EntityManager,
  userIds: readonly string[],
  field: DeliveryField,
  now: Date,
): Promise<Map<string, AddressHold>> {
  if (userIds.length === 0) return new Map();
  const since = new Date(now.getTime() - HOLD_HOURS * 3_600_000);
  // Staged events too: one committed while another commit held the chain is not sealed yet,
  // and a hold must never lapse for that (audit_seal(), docs/audit.md "Sealing").
  const rows = await em.execute<{ target_id: string; actor_id: string; at: Date }[]>(
    `with people as (select value as id from jsonb_array_elements_text(?::jsonb)),
     e as (
       select target_id, actor_id, at, action, outcome, diff, details from audit_event
        where target_id in (select id from people) and at > ?
       union all
       select target_id, actor_id, at, action, outcome, diff, details from audit_pending
        where target_id in (select id from people) and at > ?)
     select distinct on (c.target_id) c.target_id, c.actor_id, c.at from e c
      where c.action = 'user.updated' and c.outcome = 'success'
        and c.actor_id is not null and jsonb_exists(coalesce(c.diff -> 'after', '{}'::jsonb), ?)
        and not exists (
          select 1 from e a
           where a.target_id = c.target_id and a.action = 'user.delivery_address_approved'
             and a.outcome = 'success' and a.at >= c.at
             and jsonb_exists(coalesce(a.details -> 'fields', '[]'::jsonb), ?))
      order by c.target_id, c.at desc`,
    [JSON.stringify(userIds), since, since, field, field],
  );
  return new Map(
    rows.map((row) => {
      const at = new Date(row.at);
      const until = new Date(at.getTime() + HOLD_HOURS * 3_600_000);
      return [row.target_id, { field, byId: row.actor_id, at, until }];
    }),
  );
}

/** Every delivery address of the person that a hand change holds now. */
export async function heldAddresses(
  em: EntityManager,
  userId: string,
  now: Date,
): Promise<AddressHold[]> {
  const holds = await Promise.all(
    DELIVERY_FIELDS.map((field) => recentHandAddressChange(em, userId, field, now)),
  );
  return holds.filter((hold): hold is AddressHold => hold !== null);
}
