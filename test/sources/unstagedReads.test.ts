import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadIds } from '../../server/sources/readIds.ts';
import { computePlan, planContextOf } from '../../server/sources/reconcile/plan.ts';
import { findRunSource } from '../../server/sources/registry.ts';
import { knownDigests } from '../../server/sources/runs.ts';
import { stagePipelined } from '../../server/sources/stageRead.ts';
import type { SourcePerson } from '../../server/sources/types.ts';
import { listUnread } from '../../server/sources/unreadIds.ts';
import type { ApiClient } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import { type MemoryDirectory, sourcePerson } from './memoryDirectory.ts';
import {
  closeEngineSuite,
  defineSource,
  peopleOf,
  planOf,
  startEngineSuite,
  sync,
} from './support.ts';

// A full read keeps the ids of the entries it recognizes unchanged by digest in memory instead
// of staging them, and lists the ids it did not return for the plan (server/sources/readIds.ts,
// unreadIds.ts). Whatever happened to the people and the directory, and whenever, the plan must
// be the one computed from a read that staged every id.

let context: TestContext;
let api: ApiClient;
let directories: Map<string, MemoryDirectory>;

beforeAll(async () => {
  ({ context, directories, api } = await startEngineSuite());
});

afterAll(() => closeEngineSuite(context));

// Each property run syncs a source of its own three times, then plans twice.
const PROPERTY_TIMEOUT_MS = 240_000;

const sql = async (text: string, params: unknown[] = []) =>
  (await context.services.pool.query(text, params)).rows;

/**
 * Reads the directory in full and plans, in one transaction rolled back at the end (nothing of
 * it stays, not even the unmatched entries it records): with `read`, as the service now does;
 * without, staging every id as before. Returns the plan's items in a stable order, without what
 * differs between two plans of the same state (the run, the order, a create's new id).
 */
async function planOnce(
  sourceId: string,
  directory: MemoryDirectory,
  known: NonNullable<Awaited<ReturnType<typeof knownDigests>>>,
  read: ReadIds | null,
): Promise<Record<string, unknown>[]> {
  const { services } = context;
  const source = await findRunSource(services, sourceId);
  const client = await services.pool.connect();
  const runId = randomUUID();
  try {
    await client.query('begin');
    await client.query(
      `insert into sync_run (id, source_id, mode, status, requested_by, started_at, details)
       values ($1, $2, 'full', 'running', 'test', now(), '{}')`,
      [runId, sourceId],
    );
    const pages = (await directory.read({ mode: 'full' })).pages;
    const progress = { entries: 0, unchanged: 0 };
    await stagePipelined(client, runId, pages, progress, async () => false, known, read);
    const listed = read !== null && read.size > 0;
    if (read && listed) await listUnread(client, runId, sourceId, known.recorded, read);
    await computePlan(client, runId, source, true, planContextOf(services), {
      notRead: listed ? 'listed' : 'unstaged',
    });
    const { rows } = await client.query<Record<string, unknown>>(
      `select action, external_id, case when action = 'create' then null else user_id end as user_id,
              diff, record, link, reason, notes, label, proposed_user_id
         from sync_plan_item where run_id = $1 order by external_id, action`,
      [runId],
    );
    return rows;
  } finally {
    await client.query('rollback');
    client.release();
  }
}

/** What may happen to one synced person before the next full read, or while it runs. */
const FATES = [
  'same',
  'gone',
  'disabled',
  'retitled',
  'editedBefore',
  'editedDuring',
  'goneEditedDuring',
  'deactivatedByHand',
  'recreated',
  'recreatedBesideOld',
] as const;
type Fate = (typeof FATES)[number];

describe('a full read that stages only what changed', () => {
  it(
    'plans exactly what a read staging every id plans, whatever happened to whom and when',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ fate: fc.constantFrom(...FATES), leftBefore: fc.boolean() }), {
            minLength: 3,
            maxLength: 8,
          }),
          fc.constantFrom('same', 'gone'),
          async (people, unmatchedFate) => {
            // Any number of deactivations applied at once: a held plan would stop the setup.
            const { id, directory } = await defineSource(api, directories, {
              thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 100 },
            });
            const entries = people.map((_, n) =>
              sourcePerson({ employeeId: `E-${randomUUID().slice(0, 8)}-${n}`, title: 'Инженер' }),
            );
            const unmatched = sourcePerson({ disabled: true });
            directory.put(...entries, unmatched);
            // Created; then some leave by the source's own word (deactivated, later recorded
            // unchanged); then every entry holds a digest.
            await sync(api, id);
            people.forEach(({ leftBefore }, n) => {
              const entry = entries[n];
              if (leftBefore && entry) directory.change(entry.externalId, { disabled: true });
            });
            await sync(api, id);
            await sync(api, id);

            const during: (() => Promise<unknown>)[] = [];
            const retitle = (externalId: string) => () =>
              sql('update app_user set title = $3 where source_id = $1 and external_id = $2', [
                id,
                externalId,
                'Переписано вручную',
              ]);
            for (const [n, { fate }] of people.entries()) {
              const entry = entries[n] as SourcePerson;
              const recreated = (): SourcePerson => ({
                ...sourcePerson({ employeeId: entry.employeeId, title: 'Инженер' }),
              });
              const act: Record<Fate, () => Promise<unknown> | undefined> = {
                same: () => undefined,
                gone: () => void directory.remove(entry.externalId),
                disabled: () => void directory.change(entry.externalId, { disabled: true }),
                retitled: () => void directory.change(entry.externalId, { title: 'Ведущий' }),
                editedBefore: retitle(entry.externalId),
                editedDuring: () => void during.push(retitle(entry.externalId)),
                goneEditedDuring: () => {
                  directory.remove(entry.externalId);
                  during.push(retitle(entry.externalId));
                  return undefined;
                },
                deactivatedByHand: () =>
                  sql(
                    `update app_user set status = 'deactivated', status_changed_at = now()
                      where source_id = $1 and external_id = $2`,
                    [id, entry.externalId],
                  ),
                recreated: () => {
                  directory.remove(entry.externalId);
                  directory.put(recreated());
                  return undefined;
                },
                recreatedBesideOld: () => void directory.put(recreated()),
              };
              await act[fate]();
            }
            if (unmatchedFate === 'gone') directory.remove(unmatched.externalId);

            const source = await findRunSource(context.services, id);
            // Both reads start from the digests recorded now; what `during` does happens after
            // they were loaded, as during a read.
            const knownBefore = await knownDigests(context.services, source, context.services.pool);
            const knownNow = await knownDigests(context.services, source, context.services.pool);
            if (!knownBefore || !knownNow) throw new Error('a directory source has digests');
            for (const change of during) await change();
            const staged = await planOnce(id, directory, knownBefore, null);
            const read = new ReadIds(knownNow.recorded.size);
            const listed = await planOnce(id, directory, knownNow, read);
            expect(listed).toEqual(staged);
          },
        ),
        { numRuns: 12 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('leaves a person changed during the read alone, and deactivates one who left meanwhile', async () => {
    const { id, directory } = await defineSource(api, directories);
    // 20 people: one deactivation stays within the approval limit.
    const people = Array.from({ length: 20 }, () => sourcePerson({ title: 'Инженер' }));
    directory.put(...people);
    await sync(api, id);
    expect((await sync(api, id)).counts).toMatchObject({ unchangedByDigest: 20 });
    const [stays, leaves] = people as [SourcePerson, SourcePerson];
    directory.remove(leaves.externalId);

    // The run waits at its first page, its digests loaded: both people change meanwhile.
    let open = () => {};
    directory.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const reads = directory.reads.length;
    const running = sync(api, id);
    await expect.poll(() => directory.reads.length, { timeout: 30_000 }).toBe(reads + 1);
    for (const person of [stays, leaves])
      await sql('update app_user set title = $3 where source_id = $1 and external_id = $2', [
        id,
        person.externalId,
        'Переписано вручную',
      ]);
    open();
    const run = await running;
    directory.gate = null;

    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ deactivate: 1, unchangedByDigest: 19 });
    expect((await planOf(api, run.id)).map((line) => [line.action, line.externalId])).toEqual([
      ['deactivate', leaves.externalId],
    ]);
    const person = (externalId: string) =>
      peopleOf(context.services, id).then((all) => all.find((p) => p.external_id === externalId));
    expect(await person(stays.externalId)).toMatchObject({
      status: 'active',
      title: 'Переписано вручную',
    });
    expect((await person(leaves.externalId))?.status).toBe('deactivated');
    // Forgotten digest: planned next time, and the directory's title is written back.
    const next = await sync(api, id);
    expect((await planOf(api, next.id)).map((line) => [line.action, line.externalId])).toEqual([
      ['update', stays.externalId],
    ]);
    expect((await person(stays.externalId))?.title).toBe('Инженер');
  });

  it('stages none of the ids it recognizes, and keeps them to answer for', async () => {
    const { id, directory } = await defineSource(api, directories);
    const people = Array.from({ length: 7 }, () => sourcePerson());
    directory.put(...people);
    await sync(api, id);
    const [changed] = people as [SourcePerson];
    directory.change(changed.externalId, { title: 'Ведущий' });
    const source = await findRunSource(context.services, id);
    const known = await knownDigests(context.services, source, context.services.pool);
    if (!known) throw new Error('a directory source has digests');
    const read = new ReadIds(known.recorded.size);
    const runId = randomUUID();
    const client = await context.services.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into sync_run (id, source_id, mode, status, requested_by, started_at, details)
         values ($1, $2, 'full', 'running', 'test', now(), '{}')`,
        [runId, id],
      );
      const progress = { entries: 0, unchanged: 0 };
      const { pages } = await directory.read({ mode: 'full' });
      await stagePipelined(client, runId, pages, progress, async () => false, known, read);
      expect(progress).toEqual({ entries: 7, unchanged: 6 });
      const { rows } = await client.query(
        'select external_id from sync_staging where run_id = $1',
        [runId],
      );
      expect(rows).toEqual([{ external_id: changed.externalId }]);
      expect(read.size).toBe(6);
      for (const person of people.slice(1)) expect(read.has(person.externalId)).toBe(true);
      expect(read.has(changed.externalId)).toBe(false);
      expect(known.recorded.unmet()).toHaveLength(1);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});

describe('ReadIds', () => {
  it('holds every id added, through its growth, and no other', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 400 }),
        fc.nat({ max: 50 }),
        (ids, expected) => {
          const [kept, other] = [ids.filter((_, n) => n % 2 === 0), ids.filter((_, n) => n % 2)];
          const read = new ReadIds(expected);
          for (const id of kept) read.add(id);
          for (const id of kept) read.add(id);
          expect(read.size).toBe(kept.length);
          for (const id of kept) expect(read.has(id)).toBe(true);
          for (const id of other) expect(read.has(id)).toBe(false);
        },
      ),
    );
  });
});
