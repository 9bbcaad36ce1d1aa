import { Migration } from '@mikro-orm/migrations';

/**
 * No autovacuum triggered by inserts alone on the two tables a sync writes in bursts:
 * `sync_staging` (a read's entries, truncated or deleted once planned) and `sync_plan_item`
 * (a plan's items, read back by the apply within minutes and then only as history). Since
 * PostgreSQL 13, autovacuum also vacuums a table after enough inserts, to set its pages
 * all-visible. During a million-person first sync it vacuumed the staging table while the read
 * was still writing it, and the plan items (half a gigabyte) while the apply read them: on two
 * cores both took time from the sync, and marking every page all-visible dirtied it again (and
 * wrote it to the WAL once more after a checkpoint), for tables that are never read by an
 * index-only scan. Vacuums for dead rows (a deleted staging, updated items) are unchanged, and so
 * is the freezing PostgreSQL forces before transaction ids wrap around.
 */
export class Migration20261215020000SyncBurstTablesNoInsertVacuum extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table sync_staging set (autovacuum_vacuum_insert_threshold = -1);
alter table sync_plan_item set (autovacuum_vacuum_insert_threshold = -1);`);
  }

  override async down(): Promise<void> {
    this.addSql(`
alter table sync_staging reset (autovacuum_vacuum_insert_threshold);
alter table sync_plan_item reset (autovacuum_vacuum_insert_threshold);`);
  }
}
