import { Migration } from '@mikro-orm/migrations';

/**
 * Every statement that writes scheduled changes notifies `scheduled_change` at its commit, so the
 * due timer of each process (server/sources/hr/schedule/dueTimer.ts) re-reads the next instant
 * at once: a change scheduled, moved or cancelled by any writer (HR import, SCIM, the directory
 * sync, staff, the sweep itself) moves the timer without a poll. A trigger, not a call in each
 * writer, so a writer added later cannot forget it. PostgreSQL folds the notifications of one
 * transaction into one.
 */
export class Migration20261218000000ScheduledChangeNotify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function scheduled_change_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('scheduled_change', '');
  return null;
end $$;
create trigger scheduled_change_notify after insert or update or delete on scheduled_change
  for each statement execute function scheduled_change_notify();`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger if exists scheduled_change_notify on scheduled_change;
drop function if exists scheduled_change_notify();`);
  }
}
