import { expect } from 'vitest';
import { systemActor } from '../../server/authz/actor.ts';
import { type ChangeWatch, startChangeWatch } from '../../server/sources/changeWatch.ts';
import {
  type AccountProbe,
  type ChangedAccounts,
  createAccountProbe,
} from '../../server/sources/ldap/accountProbe.ts';
import { findSource, readerFor } from '../../server/sources/registry.ts';
import { drainRuns, lastCursor, startRun } from '../../server/sources/runs.ts';
import { targetedReader } from '../../server/sources/targetedReader.ts';
import type { SyncCursor } from '../../server/sources/types.ts';
import { createDeviceSession } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { WATCH_RUN_MS, waitUntil } from '../support/timeouts.ts';
import { peopleOf } from './support.ts';

/** What a probe finds when nobody is out and no expiry is ahead. */
export const NOTHING_FOUND = {
  out: [],
  unmatched: [],
  deleted: [],
  movedOut: [],
  nextExpiry: null,
  filterGroupChanged: false,
  filterMembers: null,
  filterChanges: null,
  entryDeleted: false,
};

/** A new probe of the source, and the cursor its last run saved (both must exist). */
export async function probeAtCursor(
  context: TestContext,
  sourceId: string,
): Promise<{ probe: AccountProbe; cursor: SyncCursor }> {
  const source = await findSource(context.services, sourceId);
  const cursor = await lastCursor(context.services.pool, sourceId);
  if (!source.connection || !cursor) throw new Error(`${sourceId}: no connection or cursor`);
  return { probe: createAccountProbe(source.connection), cursor };
}

/**
 * What a probe found, without its seen(): what the tests compare. With `ours`, only the users
 * outside the base DNs who are among them: any other user of the domain changed meanwhile (the
 * DC records the administrator's logons) is the watch's to drop, as nobody in here.
 */
export async function probed(
  found: Promise<ChangedAccounts>,
  ours?: ReadonlySet<string>,
): Promise<Omit<ChangedAccounts, 'seen'>> {
  const { seen: _, ...finds } = await found;
  return {
    ...finds,
    movedOut: ours ? finds.movedOut.filter((id) => ours.has(id)) : finds.movedOut,
  };
}

/** The status of the source's person with this login (undefined: the service has none). */
export async function personStatus(
  context: TestContext,
  sourceId: string,
  login: string,
): Promise<string | undefined> {
  return (await peopleOf(context.services, sourceId)).find((p) => p.username === login)?.status;
}

/** Waits until the source's person with this login has `status` (the watch's run has acted). */
export async function untilStatus(
  context: TestContext,
  sourceId: string,
  login: string,
  status: 'active' | 'deactivated',
): Promise<void> {
  await waitUntil(`${login} ${status} by the watch`, WATCH_RUN_MS, async () => {
    return (await personStatus(context, sourceId, login)) === status;
  });
}

/** Waits until the watch has looked twice more (its first looks read what it starts from). */
export async function lookedTwice(watch: ChangeWatch): Promise<void> {
  const passes = watch.passes;
  await waitUntil('the watch looked twice', WATCH_RUN_MS, () => watch.passes >= passes + 2);
}

/** How a watch test checks a person's cut. */
export interface CutByWatch {
  sourceId: string;
  login: string;
  /** Someone of the same source who must stay active. */
  bystander: string;
  /** What the directory does once the watch is on; gives the instant the cut may not precede. */
  whileWatching: (watch: ChangeWatch) => Promise<Date | null>;
  /**
   * What the watch's run reads of the person alone, rather than every change since the cursor
   * (an expiry, null): their entry by id (a disable, a lock), or that they are gone (their
   * tombstone, or their entry out of the base DNs).
   */
  targeted: 'entry' | 'gone' | null;
}

/**
 * Checks that `login` (active, with a device session) is cut by an incremental run the change
 * watch started after what `whileWatching` did in the directory, with nobody running a sync:
 * deactivated, the session revoked, not before the instant given, the bystander untouched.
 */
export async function expectCutByWatch(context: TestContext, cut: CutByWatch): Promise<void> {
  const person = (await peopleOf(context.services, cut.sourceId)).find(
    (p) => p.username === cut.login,
  );
  expect(person?.status).toBe('active');
  const device = await createDeviceSession(context.services, {
    id: person?.id ?? '',
  } as Parameters<typeof createDeviceSession>[1]);
  let watch: ChangeWatch | null = startChangeWatch(context.services, { intervalMs: 200 });
  try {
    const notBefore = await cut.whileWatching(watch);
    await untilStatus(context, cut.sourceId, cut.login, 'deactivated');
    await watch.stop();
    watch = null;
    await drainRuns(context.services);
    const { rows } = await context.services.pool.query(
      `select r.mode, r.read_mode, r.requested_by, r.status, r.started_at, r.details, r.counts,
              r.cursor_before, r.cursor_after,
              (select revoked_at from device_session where id = $2) as revoked_at
         from sync_run r where r.source_id = $1 order by r.started_at desc limit 1`,
      [cut.sourceId, device.sessionId],
    );
    expect(rows[0]).toMatchObject({
      mode: 'incremental',
      read_mode: 'incremental',
      requested_by: 'watch',
      status: 'succeeded',
    });
    if (cut.targeted) {
      // That person alone, and the cursor left for the next ordinary run.
      expect(rows[0]?.details).toMatchObject({ watchTargets: 1 });
      const read = cut.targeted === 'entry' ? 1 : 0;
      expect(rows[0]?.counts).toMatchObject({ read, deactivate: 1 });
      expect(rows[0]?.cursor_after).toEqual(rows[0]?.cursor_before);
    } else expect(rows[0]?.details).not.toHaveProperty('watchTargets');
    // Not before its instant: until then the person was in.
    if (notBefore)
      expect(new Date(rows[0]?.started_at).getTime()).toBeGreaterThanOrEqual(notBefore.getTime());
    expect(rows[0]?.revoked_at).not.toBeNull();
    expect(await personStatus(context, cut.sourceId, cut.bystander)).toBe('active');
  } finally {
    await watch?.stop();
  }
}

/** What a run of a few people did: its row, and the reasons of its deactivations by external id. */
export interface RunOfPeople {
  run: { status: string; counts: Record<string, number>; details: Record<string, unknown> };
  reasons: Map<string, string>;
}

/**
 * Runs, to its end, the change watch's run of these people of the source (read again by id,
 * and asked which of them are gone: targetedReader.ts), as the watch would start it.
 */
export async function runOfPeople(
  context: TestContext,
  sourceId: string,
  externalIds: string[],
): Promise<RunOfPeople> {
  const source = await findSource(context.services, sourceId);
  const reader = targetedReader(await readerFor(context.services, source), externalIds);
  const started = await startRun(
    context.services,
    source,
    'incremental',
    systemActor('watch'),
    reader,
  );
  await started.done;
  const { rows } = await context.services.pool.query<RunOfPeople['run']>(
    'select status, counts, details from sync_run where id = $1',
    [started.runId],
  );
  const reasons = await context.services.pool.query<{ external_id: string; reason: string }>(
    `select external_id, reason from sync_plan_item where run_id = $1 and action = 'deactivate'`,
    [started.runId],
  );
  const run = rows[0];
  if (!run) throw new Error(`run ${started.runId} not found`);
  return { run, reasons: new Map(reasons.rows.map((row) => [row.external_id, row.reason])) };
}
