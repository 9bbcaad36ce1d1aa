import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { BULK_JOB_STATUSES, BULK_VERBS, type BulkJobParams } from './schemas.ts';

/**
 * The `bulk_job` table as the ORM maps it (migration 20261207000000). The job's commands write it
 * with SQL of their own (set-based, locked); the mapping is there for the list, whose CASL
 * condition (`requestedById`) the query builder compiles into SQL like every other list's.
 */
export const BulkJob = defineEntity({
  name: 'BulkJob',
  tableName: 'bulk_job',
  properties: {
    id: p.uuid().primary(),
    verb: p.enum([...BULK_VERBS]),
    status: p.enum([...BULK_JOB_STATUSES]),
    requestedById: p.uuid(),
    requestedBy: p.text(),
    filter: p.json<Record<string, unknown>>(),
    params: p.json<BulkJobParams>(),
    total: p.integer(),
    processed: p.integer().default(0),
    ok: p.integer().default(0),
    skipped: p.integer().default(0),
    failed: p.integer().default(0),
    chunks: p.integer().default(0),
    cancelRequested: p.boolean().default(false),
    lockedUntil: p.datetime().nullable(),
    error: p.text().nullable(),
    createdAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  },
});
export type BulkJob = InferEntity<typeof BulkJob>;
