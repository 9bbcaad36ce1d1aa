import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

import type { PlanNote } from '../shared/errorCodes.ts';
import { PLAN_ACTIONS, RUN_MODES, RUN_STATUSES, SOURCE_KINDS } from './vocabulary.ts';

export {
  PLAN_ACTIONS,
  type PlanAction,
  RUN_MODES,
  RUN_STATUSES,
  type RunMode,
  type RunStatus,
  SOURCE_KINDS,
} from './vocabulary.ts';

/** A directory source defined through the API (config sources live only in the configuration). */
export const DirectorySourceRow = defineEntity({
  name: 'DirectorySourceRow',
  tableName: 'directory_source',
  versionProperty: 'version',
  properties: {
    id: p.string().primary(),
    kind: p.enum([...SOURCE_KINDS]),
    name: p.text(),
    config: p.json<Record<string, unknown>>(),
    schedule: p.json<Record<string, unknown>>(),
    thresholds: p.json<Record<string, unknown>>(),
    correlateBy: p.text(),
    /** The reconnection policy (RECONNECT_POLICIES, docs/directory-sync.md). */
    reconnect: p.text().default('employeeId'),
    enabled: p.boolean().default(true),
    cursor: p.json<Record<string, unknown>>().nullable(),
    /** The bind password sealed in the service (server/shared/storedSources.ts); never returned. */
    bindPasswordSealed: p.text().nullable(),
    bindPasswordChangedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});
export type DirectorySourceRow = InferEntity<typeof DirectorySourceRow>;

/** One sync run: its mode, status, counts, cursor and who asked for it. */
export const SyncRun = defineEntity({
  name: 'SyncRun',
  tableName: 'sync_run',
  properties: {
    id: p.uuid().primary(),
    sourceId: p.text(),
    mode: p.enum([...RUN_MODES]),
    readMode: p.text().nullable(),
    status: p.enum([...RUN_STATUSES]),
    counts: p.json<Record<string, number>>(),
    cursorBefore: p.json<Record<string, unknown>>().nullable(),
    cursorAfter: p.json<Record<string, unknown>>().nullable(),
    requestedById: p.uuid().nullable(),
    requestedBy: p.text(),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    durationMs: p.integer().nullable(),
    error: p.text().nullable(),
    safety: p.text().nullable(),
    approvedById: p.uuid().nullable(),
    approvedAt: p.datetime().nullable(),
    cancelRequestedAt: p.datetime().nullable(),
  },
});
export type SyncRun = InferEntity<typeof SyncRun>;

/** One person's line in a run's plan. */
export const SyncPlanItem = defineEntity({
  name: 'SyncPlanItem',
  tableName: 'sync_plan_item',
  properties: {
    runId: p.uuid().primary(),
    seq: p.integer().primary(),
    action: p.enum([...PLAN_ACTIONS]),
    userId: p.uuid().nullable(),
    externalId: p.text().nullable(),
    locator: p.text().nullable(),
    label: p.text().nullable(),
    diff: p.json<Record<string, { from: unknown; to: unknown }>>(),
    record: p.json<Record<string, unknown>>().nullable(),
    link: p.boolean().default(false),
    reason: p.text().nullable(),
    /** The reason as registered codes with params (null on items of older plans). */
    notes: p.json<PlanNote[]>().nullable(),
    blocked: p.text().nullable(),
    blockedNote: p.json<PlanNote>().nullable(),
    appliedAt: p.datetime().nullable(),
    outcome: p.text().nullable(),
    outcomeReason: p.text().nullable(),
    outcomeNote: p.json<PlanNote>().nullable(),
    /** The entry's digest, recorded by its person once applied (entryDigest.ts). */
    digest: p.uuid().nullable(),
    /** The row version (xmin) of the person the plan found unchanged. */
    userXmin: p.bigint().nullable(),
  },
});
export type SyncPlanItem = InferEntity<typeof SyncPlanItem>;

/** Entries of a read in progress (written and read set-based; mapped for completeness). */
export const SyncStaging = defineEntity({
  name: 'SyncStaging',
  tableName: 'sync_staging',
  properties: {
    runId: p.uuid().primary(),
    externalId: p.text().primary(),
    /** Null: an entry recognized unchanged by its digest, present but not planned. */
    record: p.json<Record<string, unknown>>().nullable(),
    digest: p.uuid().nullable(),
  },
});
export type SyncStaging = InferEntity<typeof SyncStaging>;

/** Every entity of directory sync, for the ORM's list. */
export const syncEntities = [DirectorySourceRow, SyncRun, SyncPlanItem, SyncStaging];
