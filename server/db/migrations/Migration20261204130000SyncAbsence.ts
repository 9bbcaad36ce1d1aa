import { Migration } from '@mikro-orm/migrations';

/**
 * Deletions seen by incremental runs (issue 13): what an incremental read found about people who
 * may have left the source, staged per run beside `sync_staging` and compared set-based with the
 * people the source manages. Generic LDAP stages every id in scope (an id-only enumeration:
 * people missing from it are gone); AD stages the ids gone since the cursor (tombstones, and
 * entries changed since the cursor that the read did not return: moved out of the base DN or no
 * longer matching the filter), each with its reason. Unlogged and emptied by the plan, as
 * `sync_staging` is: a crash loses only a read in progress, which fails and is read again.
 */
export class Migration20261204130000SyncAbsence extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create unlogged table sync_absence (
  run_id uuid not null,
  external_id text not null,
  reason text,
  primary key (run_id, external_id)
);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table sync_absence;');
  }
}
