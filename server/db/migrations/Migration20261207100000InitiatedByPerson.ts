import { Migration } from '@mikro-orm/migrations';

/**
 * "Initiated by" (who asked for a person to be added) as a reference to a person of the
 * directory (issue 16): the card links to them and the name follows their renames. The free text
 * `initiated_by` stays for someone outside the directory (a contractor's manager, a letter).
 * No backfill: old free text cannot be matched to a person with certainty.
 */
export class Migration20261207100000InitiatedByPerson extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user add column initiated_by_id uuid references app_user(id);
create index app_user_initiated_by_idx on app_user (initiated_by_id) where initiated_by_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop index if exists app_user_initiated_by_idx;
alter table app_user drop column if exists initiated_by_id;`);
  }
}
