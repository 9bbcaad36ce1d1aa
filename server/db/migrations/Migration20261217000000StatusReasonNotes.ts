import { Migration } from '@mikro-orm/migrations';

/**
 * A status change's reason as registered notes beside its text (issue 16's leftover): a
 * directory or HR source's reason ("disabled in the source", "not found in the source", "on
 * leave in the source"…) is the sync plan item's English line, which the console could only
 * show as it was, inside an otherwise Russian sentence. The item's notes (codes and params, the
 * same the plan view translates) are stored with the change, so the console says them in its
 * language. Null for changes made before, and for doors whose reason the console reads by
 * pattern (server/identity/lifecycle/changeStatus.ts).
 */
export class Migration20261217000000StatusReasonNotes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table user_status_change add column reason_notes jsonb
  check (reason_notes is null or jsonb_typeof(reason_notes) = 'array');`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table user_status_change drop column if exists reason_notes;');
  }
}
