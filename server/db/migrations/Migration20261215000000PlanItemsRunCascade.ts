import { Migration } from '@mikro-orm/migrations';

/**
 * `sync_plan_item.run_id` is no longer a foreign key; a trigger on `sync_run` keeps its cascade.
 * A foreign key checks every inserted row on its own (a lookup of the run, locking it, per row):
 * a plan of a million people paid 2.7 s a slice for a run its own writer had just created. The
 * service never deletes a run (a run is history, kept even after its source is deleted), and
 * only the plan writes items, always for the run it computes (reconcile/plan.ts); the trigger
 * removes a run's items with it, as the cascade did, should anyone delete one.
 */
export class Migration20261215000000PlanItemsRunCascade extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table sync_plan_item drop constraint sync_plan_item_run_id_fkey;
create function sync_run_delete_items() returns trigger language plpgsql
  set search_path = public, pg_temp as $$
begin
  delete from sync_plan_item where run_id in (select id from gone);
  return null;
end $$;
create trigger sync_run_delete_items after delete on sync_run
  referencing old table as gone for each statement execute function sync_run_delete_items();`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger if exists sync_run_delete_items on sync_run;
drop function if exists sync_run_delete_items();
delete from sync_plan_item p where not exists (select 1 from sync_run r where r.id = p.run_id);
alter table sync_plan_item add constraint sync_plan_item_run_id_fkey
  foreign key (run_id) references sync_run (id) on delete cascade;`);
  }
}
