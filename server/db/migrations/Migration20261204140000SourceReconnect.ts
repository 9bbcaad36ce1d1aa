import { Migration } from '@mikro-orm/migrations';

/**
 * Reconnection (issue 13, docs/directory-sync.md, "Reconnection"). The policy of API-defined
 * directory sources: `employeeId` (the default, also for existing sources: a re-created account
 * carrying the employee number of a person whose account is gone finds that person again) or
 * `never`; config sources carry it in `directorySync.sources.<id>.reconnect`. A proposal (a login
 * or email alone matching a deactivated person) records whom it proposes on its plan item, and
 * an admin's decision on it is kept per source entry, for every later plan: `link` (reconnect to
 * that person) or `ignore` (neither link nor create).
 */
export class Migration20261204140000SourceReconnect extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table directory_source add column reconnect text not null default 'employeeId'
  check (reconnect in ('employeeId', 'never'));
alter table sync_plan_item add column proposed_user_id uuid;
create table sync_reconnect_decision (
  source_id text not null,
  external_id text not null,
  decision text not null check (decision in ('link', 'ignore')),
  user_id uuid not null references app_user(id) on delete cascade,
  run_id uuid,
  seq integer,
  decided_by_id uuid,
  decided_at timestamptz not null,
  primary key (source_id, external_id)
);`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table sync_reconnect_decision;
alter table sync_plan_item drop column proposed_user_id;
alter table directory_source drop column reconnect;`);
  }
}
