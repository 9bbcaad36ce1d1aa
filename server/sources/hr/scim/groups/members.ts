import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../../../audit/actions.ts';
import type { OutboxEvent } from '../../../../outbox/events.ts';
import { isUuid } from '../context.ts';
import { scimBad } from '../errors.ts';

interface Changed {
  id: string;
  label: string;
  username: string | null;
}

/** 400 invalidValue when some member ids are not people (checked in one query). */
export async function assertPeople(em: EntityManager, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const malformed = ids.filter((id) => !isUuid(id));
  if (malformed.length > 0)
    throw scimBad('invalidValue', `Unknown members: ${malformed.slice(0, 5).join(', ')}`);
  const unknown = await em.execute<{ id: string }[]>(
    `select w.id from (select distinct value::uuid as id from jsonb_array_elements_text(?::jsonb)) w
      where not exists (select 1 from app_user u where u.id = w.id) limit 5`,
    [JSON.stringify(ids)],
  );
  if (unknown.length > 0)
    throw scimBad('invalidValue', `Unknown members: ${unknown.map((row) => row.id).join(', ')}`);
}

/**
 * Adds and removes members set-based (one statement each), audits each person
 * (space.member_added / member_removed, target the person, as the manual commands do) and
 * returns the core event of the change, if any.
 */
export async function changeMembers(
  em: EntityManager,
  space: { id: string; name: string },
  add: string[],
  remove: string[],
  now: Date,
  audit: (event: AuditEventInput) => void,
): Promise<OutboxEvent | null> {
  const added =
    add.length === 0
      ? []
      : await em.execute<Changed[]>(
          `with inserted as (
             insert into space_member (space_id, user_id, added_at)
             select ?, value::uuid, ?::timestamptz from jsonb_array_elements_text(?::jsonb)
             on conflict do nothing returning user_id)
           select u.id, coalesce(u.username, u.display_name) as label, u.username
             from inserted i join app_user u on u.id = i.user_id order by u.id`,
          [space.id, now.toISOString(), JSON.stringify([...new Set(add)])],
        );
  const removed =
    remove.length === 0
      ? []
      : await em.execute<Changed[]>(
          `with deleted as (
             delete from space_member where space_id = ?
               and user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
             returning user_id)
           select u.id, coalesce(u.username, u.display_name) as label, u.username
             from deleted d join app_user u on u.id = d.user_id order by u.id`,
          [space.id, JSON.stringify([...new Set(remove)])],
        );
  const details = { spaceId: space.id, spaceName: space.name };
  for (const person of added)
    audit({
      action: 'space.member_added',
      targetType: 'User',
      targetId: person.id,
      targetLabel: person.label,
      details,
    });
  for (const person of removed)
    audit({
      action: 'space.member_removed',
      targetType: 'User',
      targetId: person.id,
      targetLabel: person.label,
      details,
    });
  const inCore = (list: Changed[]) =>
    list.flatMap((p) => (p.username ? [{ userId: p.id, username: p.username }] : []));
  const a = inCore(added);
  const r = inCore(removed);
  if (a.length === 0 && r.length === 0) return null;
  return {
    type: 'space.members_changed',
    key: space.id,
    spaceId: space.id,
    name: space.name,
    added: a,
    removed: r,
  };
}

/** The member ids of a space. */
export async function memberIds(em: EntityManager, spaceId: string): Promise<string[]> {
  const rows = await em.execute<{ user_id: string }[]>(
    'select user_id from space_member where space_id = ?',
    [spaceId],
  );
  return rows.map((row) => row.user_id);
}
