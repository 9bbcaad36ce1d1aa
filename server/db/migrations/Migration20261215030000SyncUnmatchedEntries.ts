import { Migration } from '@mikro-orm/migrations';

/**
 * Directory entries that match nobody and are not created (disabled, or gone by their
 * termination date) are recognized by their digest too, so a run does not plan them again
 * (issue 17, the no-change run; docs/decisions.md "Entries that match nobody, recognized").
 *
 * `sync_unmatched_entry` keeps, per source and external id, the digest of the entry as the plan
 * last found it (sources/entryDigest.ts) and the keys that could make it match someone later:
 * its employee number, e-mail (lower-cased, as staged) and login. Before each read, an entry
 * counts as recognized only while no person has its external id in this source, its employee
 * number, its e-mail or its login, and no admin's reconnection decision names it; otherwise it
 * is planned as before, so a person created with its employee number is still linked and
 * deactivated. A row describes the directory, not a person: a stale one never matches a changed
 * entry, and full runs delete the rows of entries they no longer read.
 */
export class Migration20261215030000SyncUnmatchedEntries extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table sync_unmatched_entry (
  source_id text not null,
  external_id text not null,
  digest uuid not null,
  employee_id text,
  email text,
  username text,
  primary key (source_id, external_id)
);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists sync_unmatched_entry;');
  }
}
