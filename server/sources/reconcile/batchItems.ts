/**
 * The plan items of one apply batch not applied yet, as `sync_plan_item p`, with three knex-style
 * `?` placeholders: the run, the batch's first and last seq. Every statement of a batch (apply.ts,
 * release.ts, spaces.ts) is scoped by it, so they all see the same items.
 */
export const BATCH_ITEMS = `p.run_id = ? and p.seq between ? and ? and p.applied_at is null and p.blocked is null`;
