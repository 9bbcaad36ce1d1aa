import { Migration } from '@mikro-orm/migrations';

/**
 * "Initiated by" (who asked for a person to be added) as a reference to a person of the
 * directory (issue 16): the card links to them and the name follows their renames. The free text
 * `initiated_by` stays for someone outside the directory (a contractor's manager, a letter).
 * No backfill: old free text cannot be matched to a person with certainty.
 *
 * Also the index of initials for the people search («Д.И.» without a family name): the first
 * letters of the given name and the patronymic, folded like `search_text`. With a family name
 * the trigram index answers and these letters only filter its rows.
 */
export class Migration20261207100000InitiatedByPerson extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user add column initiated_by_id uuid references app_user(id);
create index app_user_initiated_by_idx on app_user (initiated_by_id) where initiated_by_id is not null;
create index app_user_initials_idx
  on app_user (left(fold_search(given_name), 1), left(fold_search(middle_name), 1));`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop index if exists app_user_initials_idx;
drop index if exists app_user_initiated_by_idx;
alter table app_user drop column if exists initiated_by_id;`);
  }
}
