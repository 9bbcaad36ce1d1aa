import { Migration } from '@mikro-orm/migrations';

/**
 * A plan item that took is known by its batch, not by a mark on the item (issue 17, apply cost;
 * docs/decisions.md "Applied batches instead of applied marks"). Apply used to end every batch
 * by rewriting each of its items (`applied_at`, `outcome`, ~700-byte rows, every index of the
 * table updated): a tenth of the apply. Now it records the batch's seq range once in
 * `sync_plan_batch` and writes only the items that did not take (skipped, failed), which are
 * rare. `sync_item_outcome(item)` is the one rule readers use: the item's own outcome, else
 * "applied" when it is a change, not blocked, and inside a recorded batch. Items of older runs
 * keep their marks and read as before.
 *
 * `sync_plan_item_pending_idx` (run_id, seq where applied_at is null) becomes
 * `sync_plan_item_changes_idx`: the change items not blocked and not marked, in plan order,
 * which is what apply's query for the next batch reads (apply.ts NEXT_BATCH_SQL). Applied items
 * keep a null `applied_at` now, so the old index would hold every item (unchanged ones too, a
 * no-change run's million); this one holds only what apply reads. Without such an index, the
 * planner read the next batch through (run_id, action, seq) and sorted every later item of the
 * plan for each batch: 2.5 s a batch at a million people.
 */
export class Migration20261213000000SyncAppliedBatches extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table sync_plan_batch (
  run_id uuid not null references sync_run (id) on delete cascade,
  lo integer not null,
  hi integer not null,
  applied_at timestamptz not null,
  primary key (run_id, lo),
  check (lo <= hi)
);

create function sync_item_outcome(i sync_plan_item) returns text language sql stable as $$
  select coalesce(i.outcome, (
    select 'applied' from (
      select b.hi from sync_plan_batch b
       where b.run_id = i.run_id and b.lo <= i.seq order by b.lo desc limit 1) b
     where b.hi >= i.seq and i.blocked is null
       and i.action in ('create', 'update', 'deactivate', 'suspend', 'reactivate')))
$$;

drop index if exists sync_plan_item_pending_idx;
create index sync_plan_item_changes_idx on sync_plan_item (run_id, seq)
  where applied_at is null and blocked is null
    and action in ('create', 'update', 'deactivate', 'suspend', 'reactivate');`);
  }

  override async down(): Promise<void> {
    this.addSql(`
update sync_plan_item p set applied_at = b.applied_at, outcome = 'applied'
  from sync_plan_batch b
 where b.run_id = p.run_id and p.seq between b.lo and b.hi and p.outcome is null
   and p.blocked is null and p.action in ('create', 'update', 'deactivate', 'suspend', 'reactivate');
drop function if exists sync_item_outcome(sync_plan_item);
drop table if exists sync_plan_batch;
drop index if exists sync_plan_item_changes_idx;
create index sync_plan_item_pending_idx on sync_plan_item (run_id, seq) where applied_at is null;`);
  }
}
