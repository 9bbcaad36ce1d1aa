import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../audit/actions.ts';
import { type BoundValue, executeBound } from '../../db/execute.ts';
import type { MembershipVia } from '../../directory/entities.ts';
import type { OutboxEvent } from '../../outbox/events.ts';
import type { SyncSource } from '../types.ts';
import { BATCH_ITEMS } from './batchItems.ts';

// The people the batch actually created or changed (a JSON array of ids).
const DONE = `p.user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`;
// The mapped spaces an item adds (a create: all of its spaces) and removes, by name.
const TO = `case when p.action = 'create' then coalesce(p.record->'spaces', '[]'::jsonb)
                 else coalesce(p.diff->'spaces'->'to', '[]'::jsonb) end`;
const FROM = `case when p.action = 'create' then '[]'::jsonb
                   else coalesce(p.diff->'spaces'->'from', '[]'::jsonb) end`;
const HAS_SPACES = `(p.action = 'create' or p.diff -> 'spaces' is not null)`;

// Spaces named by the batch's items that do not exist yet (names are unique regardless of case).
const CREATE_SPACES_SQL = `
with names as (
  select distinct on (lower(x.n)) x.n
    from sync_plan_item p cross join lateral jsonb_array_elements_text(${TO}) x(n)
   where ${BATCH_ITEMS} and ${HAS_SPACES}
   order by lower(x.n), x.n
)
-- Spaces a mapping names and nobody made yet: made by the directory (source 'ad').
insert into space (id, name, source) select gen_random_uuid(), n, 'ad' from names
 where not exists (select 1 from space s where lower(s.name) = lower(names.n))
on conflict do nothing
returning id, name`;

const ADD_SQL = `
with wanted as (
  select p.user_id, x.n
    from sync_plan_item p cross join lateral jsonb_array_elements_text(${TO}) x(n)
   where ${BATCH_ITEMS} and ${HAS_SPACES} and ${DONE}
     and not exists (select 1 from jsonb_array_elements_text(${FROM}) f where lower(f) = lower(x.n))
),
added as (
  insert into space_member (space_id, user_id, added_at, added_by_id, via, via_source_id)
  select s.id, w.user_id, ?::timestamptz, null, ?, ?
    from wanted w join space s on lower(s.name) = lower(w.n)
  on conflict do nothing
  returning space_id, user_id
)
select a.space_id, s.name as space_name, a.user_id, u.username,
       coalesce(u.username, u.display_name) as label
  from added a join space s on s.id = a.space_id join app_user u on u.id = a.user_id
 order by s.name, u.id`;

// Only spaces the plan found the person in and no longer wants: mapped spaces, never others.
const REMOVE_SQL = `
with gone as (
  select p.user_id, f.n
    from sync_plan_item p cross join lateral jsonb_array_elements_text(${FROM}) f(n)
   where ${BATCH_ITEMS} and p.diff -> 'spaces' is not null and ${DONE}
     and not exists (select 1 from jsonb_array_elements_text(${TO}) t where lower(t) = lower(f.n))
),
removed as (
  delete from space_member m using gone g, space s
   where s.id = m.space_id and lower(s.name) = lower(g.n) and m.user_id = g.user_id
  returning m.space_id, m.user_id
)
select r.space_id, s.name as space_name, r.user_id, u.username,
       coalesce(u.username, u.display_name) as label
  from removed r join space s on s.id = r.space_id join app_user u on u.id = r.user_id
 order by s.name, u.id`;

interface MemberRow {
  space_id: string;
  space_name: string;
  user_id: string;
  username: string | null;
  label: string;
}

/** What a batch did to mapped spaces. */
export interface SpaceChanges {
  spacesCreated: number;
  audit: AuditEventInput[];
  /** In delivery order: new spaces first, then one membership change per space. */
  events: OutboxEvent[];
}

/** One audit event per person: the spaces the batch added them to (or removed them from). */
function perPerson(
  rows: MemberRow[],
  action: 'space.member_added' | 'space.member_removed',
  details: Record<string, unknown>,
): AuditEventInput[] {
  const people = new Map<string, { label: string; spaces: { id: string; name: string }[] }>();
  for (const row of rows) {
    const person = people.get(row.user_id) ?? { label: row.label, spaces: [] };
    person.spaces.push({ id: row.space_id, name: row.space_name });
    people.set(row.user_id, person);
  }
  return [...people].map(([id, person]) => ({
    action,
    targetType: 'User',
    targetId: id,
    targetLabel: person.label,
    details: { ...details, spaces: person.spaces },
  }));
}

/**
 * Applies the mapped-space changes of one batch, in its transaction: find-or-create the spaces
 * the items name, one INSERT … SELECT of the memberships to add (their `via` names the source:
 * `directory_group`, or `hr` for an HR channel) and one DELETE of those to
 * remove, for the people the batch actually created or changed (`done`). Returns the audit
 * events (one per person and direction) and outbox events (one `space.members_changed` per
 * space; people without a username have no core account and are left out of it).
 */
export async function applySpaces(
  em: EntityManager,
  source: Pick<SyncSource, 'id' | 'kind'>,
  batch: BoundValue[],
  done: string[],
  now: Date,
  details: Record<string, unknown>,
): Promise<SpaceChanges> {
  const created = await em.execute<{ id: string; name: string }[]>(CREATE_SPACES_SQL, batch);
  const list = JSON.stringify(done);
  // Why the person is in the space: a directory's group mapping, or an HR channel's record.
  const via: MembershipVia = source.kind === 'hr' ? 'hr' : 'directory_group';
  const added = await executeBound<MemberRow>(em, ADD_SQL, [...batch, list, now, via, source.id]);
  const removed = await executeBound<MemberRow>(em, REMOVE_SQL, [...batch, list]);
  const audit: AuditEventInput[] = created.map((space) => ({
    action: 'space.created',
    targetType: 'Space',
    targetId: space.id,
    targetLabel: space.name,
    details,
  }));
  audit.push(...perPerson(added, 'space.member_added', details));
  audit.push(...perPerson(removed, 'space.member_removed', details));
  const events: OutboxEvent[] = created.map((space) => ({
    type: 'space.upserted',
    key: space.id,
    spaceId: space.id,
    name: space.name,
  }));
  const bySpace = new Map<string, Extract<OutboxEvent, { type: 'space.members_changed' }>>();
  const member = (row: MemberRow) => {
    const event = bySpace.get(row.space_id) ?? {
      type: 'space.members_changed' as const,
      key: row.space_id,
      spaceId: row.space_id,
      name: row.space_name,
      added: [],
      removed: [],
    };
    bySpace.set(row.space_id, event);
    return event;
  };
  for (const row of added)
    if (row.username) member(row).added.push({ userId: row.user_id, username: row.username });
  for (const row of removed)
    if (row.username) member(row).removed.push({ userId: row.user_id, username: row.username });
  events.push(...bySpace.values());
  return { spacesCreated: created.length, audit, events };
}
