import { Migration } from '@mikro-orm/migrations';

/**
 * The core account of a new person may be chosen by the statement that inserts them (a sync
 * batch's creates choose it set-based, by the same rule: reconcile/apply.ts). The insert trigger
 * then fires only for rows that leave it to the database; before, it fired for every row with a
 * login and returned at once when the account was given, a PL/pgSQL call per person that made
 * up a third of a 5,000-person insert. The update trigger and the unique index are unchanged:
 * an account still never changes and is never shared.
 */
export class Migration20261211000000CoreAccountSetBased extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
drop trigger app_user_core_account_ins on app_user;
create trigger app_user_core_account_ins before insert on app_user
  for each row when (new.core_account is null and new.username is not null)
  execute function app_user_core_account();`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger app_user_core_account_ins on app_user;
create trigger app_user_core_account_ins before insert on app_user
  for each row when (new.username is not null or new.core_account is not null)
  execute function app_user_core_account();`);
  }
}
