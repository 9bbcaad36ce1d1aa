import { expect } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import { planOf, sync } from './support.ts';

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

/**
 * The scenario both directories play: anna moved from Продажи to Поддержка, boris removed from
 * Продажи, gleb added to it. Runs a dry run and an incremental run of `sourceId` and checks
 * that the incremental read applied exactly the dry run's plan, and the spaces that follow.
 */
export async function expectGroupMovesApplied(
  api: ApiClient,
  context: TestContext,
  sourceId: string,
): Promise<void> {
  const dry = await sync(api, sourceId, 'dry-run');
  expect(dry.status, dry.error ?? '').toBe('planned');
  const incremental = await sync(api, sourceId, 'incremental');
  expect(incremental.status, incremental.error ?? '').toBe('succeeded');
  expect(incremental.readMode).toBe('incremental');
  const planned = await changedItems(api, context, dry.id);
  expect(await changedItems(api, context, incremental.id)).toEqual(planned);
  expect(planned).toEqual({
    anna: {
      organization: { from: 'Отдел продаж', to: 'ИТ' },
      spaces: { from: ['Все', 'Продажи'], to: ['Все', 'Поддержка'] },
    },
    boris: {
      organization: { from: 'Отдел продаж', to: 'ИТ' },
      spaces: { from: ['Все', 'Продажи'], to: [] },
    },
    gleb: {
      organization: { from: 'ИТ', to: 'Отдел продаж' },
      spaces: { from: [], to: ['Все', 'Продажи'] },
    },
  });
  expect(await spaceMembers(context, 'Продажи')).toEqual(['gleb']);
  expect(await spaceMembers(context, 'Поддержка')).toEqual(['anna', 'vera']);
  expect(await spaceMembers(context, 'Все')).toEqual(['anna', 'gleb', 'vera']);
}
