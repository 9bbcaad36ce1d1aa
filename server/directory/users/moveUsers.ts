import { asUserSubject } from '../../authz/index.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import { loadCorePeople } from '../people/corePerson.ts';
import { ownersOf } from './presentUser.ts';

/** Why a person was not moved. */
export type MoveSkipCode = 'not_found' | 'forbidden' | 'source_owned_field' | 'already_there';

/** What a move did for one person. */
export interface PersonMoved {
  label: string | null;
  code: MoveSkipCode | null;
}

interface Row {
  id: string;
  rank: number;
  label: string;
  organizationId: string | null;
  source: 'manual' | 'ad' | 'hr';
  source_id: string | null;
  hr_source_id: string | null;
}

/**
 * Moves people to an organization inside the caller's transaction, set-based (the bulk job's
 * "move to an organization"): the rules of a profile edit decide each person — `update` on that
 * person, and the organization not maintained by a directory or HR source (as `updateUser`
 * refuses `source_owned_field`) —, one statement moves the rest, each moved person gets a
 * `user.updated` event with the organization's before and after, and the core hears of each.
 * The caller has checked that the organization exists.
 */
export async function moveToOrganization(
  ctx: CommandContext,
  userIds: readonly string[],
  organizationId: string,
  details: Record<string, unknown>,
): Promise<Map<string, PersonMoved>> {
  const rows = await ctx.em.execute<Row[]>(
    `select id, rank, coalesce(username, display_name) as label, organization_id as "organizationId", source,
            source_id, hr_source_id
       from app_user where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
      order by id for no key update`,
    [JSON.stringify([...new Set(userIds)])],
  );
  const found = new Map(rows.map((row) => [row.id, row]));
  const precedence = ctx.services.config.hr.precedence;
  const results = new Map<string, PersonMoved>();
  const moving: Row[] = [];
  for (const id of new Set(userIds)) {
    const row = found.get(id);
    if (!row) {
      results.set(id, { label: null, code: 'not_found' });
      continue;
    }
    // Someone the caller may not even see keeps their name out of the report.
    const visible = ctx.ability.can('read', asUserSubject(row));
    const owners = ownersOf(
      { source: row.source, sourceId: row.source_id, hrSourceId: row.hr_source_id },
      precedence,
    );
    let code: MoveSkipCode | null = null;
    // The right where the person is and where they go (issue 18: a scoped role moves people
    // only within its subtrees).
    const there = asUserSubject({ ...row, organizationId });
    if (!ctx.ability.can('update', asUserSubject(row)) || !ctx.ability.can('update', there)) {
      code = 'forbidden';
      ctx.audit({
        action: 'user.updated',
        outcome: 'denied',
        targetType: 'user',
        targetId: row.id,
        targetLabel: row.label,
        details: { ...details, errorCode: 'forbidden' },
      });
    } else if (row.organizationId === organizationId) code = 'already_there';
    else if (owners.organization !== undefined) code = 'source_owned_field';
    else moving.push(row);
    results.set(id, { label: visible ? row.label : null, code });
  }
  if (moving.length === 0) return results;
  const now = ctx.services.now().toISOString();
  await ctx.em.execute(
    `update app_user set organization_id = ?, version = version + 1, updated_at = ?::timestamptz
      where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [organizationId, now, JSON.stringify(moving.map((row) => row.id))],
  );
  for (const row of moving)
    ctx.audit({
      action: 'user.updated',
      targetType: 'user',
      targetId: row.id,
      targetLabel: row.label,
      diff: {
        before: { organizationId: row.organizationId },
        after: { organizationId },
      },
      details,
    });
  const people = await loadCorePeople(
    ctx.em,
    moving.map((row) => row.id),
  );
  for (const person of people) ctx.emit({ type: 'person.upserted', key: person.userId, person });
  return results;
}
