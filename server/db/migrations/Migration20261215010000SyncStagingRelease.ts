import { Migration } from '@mikro-orm/migrations';

/**
 * `sync_staging_release(run)`: empties the staging table with TRUNCATE when the run whose plan
 * is done is the only one staged (reconcile/plan.ts releaseStaging). A DELETE of a million
 * entries left their pages behind: autovacuum then worked through them beside the apply, and
 * every later run's scans of the table read the empty pages. TRUNCATE needs the owner (the
 * service's role owns nothing), and it must not wait: when another run holds the table (a read
 * of another source staging a page) the function answers false at once and the caller deletes
 * its own rows. Only this table, and never another run's rows.
 */
export class Migration20261215010000SyncStagingRelease extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function sync_staging_release(p_run uuid) returns boolean language plpgsql
  security definer set search_path = public, pg_temp as $$
begin
  -- Held to the end of the caller's transaction: nobody stages between the check and the truncate.
  lock table sync_staging in access exclusive mode nowait;
  -- Two ranges of the primary key's first column: run_id <> p_run would read every staged row.
  if exists (select 1 from sync_staging where run_id < p_run)
     or exists (select 1 from sync_staging where run_id > p_run) then
    return false;
  end if;
  truncate sync_staging;
  return true;
exception when lock_not_available then
  return false;
end $$;
revoke all on function sync_staging_release(uuid) from public;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists sync_staging_release(uuid);');
  }
}
