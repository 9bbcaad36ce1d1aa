import type { ApiClient } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import { planOf } from './support.ts';

/** Usernames of a space's members, sorted. */
export async function spaceMembers(context: TestContext, space: string): Promise<string[]> {
  const { rows } = await context.services.pool.query<{ username: string }>(
    `select u.username from space_member m join space s on s.id = m.space_id
       join app_user u on u.id = m.user_id where s.name = $1 order by u.username`,
    [space],
  );
  return rows.map((row) => row.username);
}

/** A run's items that change someone, as username → diff (to compare a dry run with a real one). */
export async function changedItems(
  api: ApiClient,
  context: TestContext,
  runId: string,
): Promise<Record<string, unknown>> {
  const items = (await planOf(api, runId)).filter((item) => item.action !== 'unchanged');
  const { rows } = await context.services.pool.query<{ id: string; username: string }>(
    'select id, username from app_user where id = any($1::uuid[])',
    [items.map((item) => item.userId)],
  );
  const names = new Map(rows.map((row) => [row.id, row.username]));
  return Object.fromEntries(
    items.map((item) => [names.get(item.userId ?? '') ?? item.externalId, item.diff]),
  );
}
