import { Migration } from '@mikro-orm/migrations';

/**
 * `sync_staging_analyze()`: refreshes the staging table's statistics before a plan
 * (reconcile/plan.ts analyzeStaging). ANALYZE needs the table's owner (or, from PostgreSQL 17
 * only, the MAINTAIN privilege), and the service runs as a role that owns nothing; this
 * SECURITY DEFINER function does that one thing and takes no argument, so it cannot be turned to
 * any other table.
 */
export class Migration20261212010000SyncStagingAnalyze extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function sync_staging_analyze() returns void language plpgsql
  security definer set search_path = public, pg_temp as $$
begin
  analyze sync_staging;
end $$;
revoke all on function sync_staging_analyze() from public;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists sync_staging_analyze();');
  }
}
