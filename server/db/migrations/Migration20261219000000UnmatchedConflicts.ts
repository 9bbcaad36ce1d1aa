import { Migration } from '@mikro-orm/migrations';

/**
 * `sync_unmatched_entry` also keeps the entries the last plan that saw them left as a conflict
 * with nobody linked (a login or e-mail taken, a reconnection proposal awaiting an admin):
 * `outcome` tells them from entries not created (disabled, or past their last day). They are
 * never recognized by digest (a conflict may be resolved elsewhere, so every full run plans
 * them again; they carry no digest), but they tell an incremental run that enumerated the ids
 * in scope that the service has seen the entry (sources/newInScope.ts), so it is not read again
 * and re-proposed every five minutes.
 */
export class Migration20261219000000UnmatchedConflicts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table sync_unmatched_entry
  alter column digest drop not null,
  add column outcome text not null default 'not_created'
    check (outcome in ('not_created', 'conflict')),
  add constraint sync_unmatched_entry_digest check (outcome = 'conflict' or digest is not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`
delete from sync_unmatched_entry where outcome = 'conflict';
alter table sync_unmatched_entry
  drop constraint if exists sync_unmatched_entry_digest,
  drop column if exists outcome,
  alter column digest set not null;`);
  }
}
