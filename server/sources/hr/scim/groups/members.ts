import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../../../audit/actions.ts';
import type { OutboxEvent } from '../../../../outbox/events.ts';
import { isUuid } from '../context.ts';
import { scimBad } from '../errors.ts';
import { SCIM_ID, SCIM_VISIBLE } from '../users/resource.ts';

interface Changed {
  id: string;
  label: string;
  username: string | null;
}

/**
 * The people behind member values (SCIM ids, lower-case → our ids), in one query; 400
 * invalidValue when some are not people SCIM shows (unknown, or deleted through SCIM).
 */
export async function resolvePeople(
  em: EntityManager,
  ids: string[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const malformed = wanted.filter((id) => !isUuid(id));
  if (malformed.length > 0)
    throw scimBad('invalidValue', `Unknown members: ${malformed.slice(0, 5).join(', ')}`);
  const rows = await em.execute<{ scim_id: string; id: string | null }[]>(
    `select w.scim_id::text as scim_id, u.id
       from (select distinct value::uuid as scim_id from jsonb_array_elements_text(?::jsonb)) w
       left join app_user u on ${SCIM_ID} = w.scim_id and ${SCIM_VISIBLE}`,
    [JSON.stringify(wanted)],
  );
  const unknown = rows.filter((row) => row.id === null).map((row) => row.scim_id);
  if (unknown.length > 0)
    throw scimBad('invalidValue', `Unknown members: ${unknown.slice(0, 5).join(', ')}`);
  return new Map(rows.map((row) => [row.scim_id, row.id as string]));
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
             insert into space_member (space_id, user_id, added_at, via, via_source_id)
             select ?, value::uuid, ?::timestamptz, 'scim', 'scim'
               from jsonb_array_elements_text(?::jsonb)
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

/**
 * The members of a space SCIM shows (SCIM id → our id). Members SCIM deleted are left out, so a
 * client's member changes neither show nor touch them.
 */
export async function memberIds(em: EntityManager, spaceId: string): Promise<Map<string, string>> {
  const rows = await em.execute<{ scim_id: string; id: string }[]>(
    `select ${SCIM_ID}::text as scim_id, u.id
       from space_member m join app_user u on u.id = m.user_id
      where m.space_id = ? and ${SCIM_VISIBLE}`,
    [spaceId],
  );
  return new Map(rows.map((row) => [row.scim_id, row.id]));
}
