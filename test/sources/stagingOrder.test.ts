import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePage, stageNormalized } from '../../server/sources/reconcile/plan.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { sourcePerson } from './memoryDirectory.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
});

afterAll(async () => {
  await context.close();
});

describe('staging a read over several connections', () => {
  it('an id read twice keeps the later page’s entry, whichever statement runs first', async () => {
    const runId = randomUUID();
    const early = sourcePerson({ title: 'С первой страницы' });
    const late = { ...early, title: 'С пятой страницы' };
    const other = sourcePerson();
    // Page 5 is staged before page 1 (another connection was quicker).
    await stageNormalized(context.services.pool, runId, await normalizePage([late]), 5);
    await stageNormalized(context.services.pool, runId, await normalizePage([early, other]), 1);
    // And a page staged again, as a retried statement would, keeps its own entry.
    await stageNormalized(context.services.pool, runId, await normalizePage([late]), 5);
    const { rows } = await context.services.pool.query<{ external_id: string; title: string }>(
      `select external_id, record->>'title' as title from sync_staging where run_id = $1
        order by external_id`,
      [runId],
    );
    expect(rows).toEqual(
      [
        { external_id: early.externalId, title: 'С пятой страницы' },
        { external_id: other.externalId, title: other.title },
      ].sort((a, b) => (a.external_id < b.external_id ? -1 : 1)),
    );
    await context.services.pool.query('delete from sync_staging where run_id = $1', [runId]);
  });
});
