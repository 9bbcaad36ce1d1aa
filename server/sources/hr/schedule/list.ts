import type { Actor } from '../../../authz/actor.ts';
import { type AppAbility, authorize } from '../../../authz/index.ts';
import { accessCondition } from '../../../authz/sql.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import { User } from '../../../directory/entities.ts';
import type { Services } from '../../../shared/services.ts';
import {
  liveChangesOf,
  presentScheduled,
  SCHEDULED_COLUMNS,
  type ScheduledRow,
} from './present.ts';
import type { ListScheduledQuery, ScheduledChangeView } from './schemas.ts';

const STATE_FILTER: Record<ListScheduledQuery['state'], string | null> = {
  live: 'c.cancelled_at is null and c.fired_at is null',
  fired: 'c.fired_at is not null',
  cancelled: 'c.cancelled_at is not null',
  all: null,
};

// Live changes soonest first (what happens next); the others newest first.
const ORDER: Record<ListScheduledQuery['state'], string> = {
  live: 'c.effective_at, c.id',
  fired: 'c.fired_at desc, c.id',
  cancelled: 'c.cancelled_at desc, c.id',
  all: 'c.created_at desc, c.id',
};

/** Lists scheduled status changes: live ones by default, filtered by person and kind. */
export function listScheduledChanges(
  services: Services,
  actor: Actor,
  query: ListScheduledQuery,
): Promise<{ data: ScheduledChangeView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'ScheduledChange', {
      auditAction: 'scheduled_change.listed',
      targetType: 'scheduled_change',
    });
    // Changes of people the caller may read: a scoped role sees its subtrees' only (issue 18).
    const people = accessCondition(em, ability, 'read', 'User', User, 'c.user_id');
    const where: string[] = [people.sql];
    const params: unknown[] = [...people.params];
    const state = STATE_FILTER[query.state];
    if (state) where.push(state);
    if (query.userId) {
      where.push('c.user_id = ?');
      params.push(query.userId);
    }
    if (query.kind) {
      where.push('c.kind = ?');
      params.push(query.kind);
    }
    const filter = `where ${where.join(' and ')}`;
    const rows = await em.execute<ScheduledRow[]>(
      `select ${SCHEDULED_COLUMNS} from scheduled_change c join app_user u on u.id = c.user_id
        ${filter} order by ${ORDER[query.state]} limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    const [count] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from scheduled_change c ${filter}`,
      params,
    );
    return { data: rows.map(presentScheduled), total: count?.n ?? 0 };
  });
}

/**
 * The live scheduled changes a person's card shows (GET /users/:id), or null for those who may not
 * read scheduled changes: their card comes without the section.
 */
export async function liveChangesForCard(
  services: Services,
  ability: AppAbility,
  userId: string,
): Promise<ScheduledChangeView[] | null> {
  if (!ability.can('read', 'ScheduledChange')) return null;
  return liveChangesOf(services.orm.em.fork(), userId);
}
