import { Migration } from '@mikro-orm/migrations';

/**
 * One lifecycle for a person (issue 11): the `suspended` status (a leave of absence, an
 * investigation; plans of HR files can suspend), the status history every door writes through the lifecycle module, and the
 * facts of an enrollment link that disclosed a way into an account that already had credentials.
 */
export class Migration20261204000000Lifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user drop constraint if exists app_user_status_check;
alter table app_user add constraint app_user_status_check
  check (status in ('pending', 'active', 'suspended', 'deactivated'));

-- Every status change of a person, whatever its door: who (a person, or a source / the schedule),
-- when, why, from which status to which. Written by server/identity/lifecycle only, set-based.
create table user_status_change (
  id bigint generated always as identity primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  from_status text not null,
  to_status text not null check (to_status in ('pending', 'active', 'suspended', 'deactivated')),
  changed_at timestamptz not null,
  -- The person who acted, when a person did (console, bulk, enrollment, a scheduled change made by hand).
  actor_id uuid references app_user(id) on delete set null,
  -- How the actor is named in the audit log ('olga.kuz', 'source:corp-ad', 'system:schedule').
  actor_label text not null,
  door text not null check (door in ('console', 'bulk', 'hr-import', 'scim', 'schedule', 'directory', 'enrollment')),
  -- The directory source or HR channel whose word it was, if any.
  source_id text,
  reason text check (length(reason) <= 1000)
);
create index user_status_change_user_idx on user_status_change (user_id, changed_at desc, id desc);

-- A link issued for someone who already had a credential discloses a way into their account:
-- it needs a reason, and the card lists it.
alter table enrollment_token
  add column reason text check (length(reason) <= 1000),
  add column disclosure boolean not null default false;
create index enrollment_token_disclosure_idx on enrollment_token (user_id, created_at desc) where disclosure;

-- An HR file can say a person is on leave: plans suspend them.
alter table sync_plan_item drop constraint if exists sync_plan_item_action_check;
alter table sync_plan_item add constraint sync_plan_item_action_check
  check (action in ('create', 'update', 'deactivate', 'suspend', 'reactivate', 'conflict', 'unchanged'));
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists user_status_change;
delete from sync_plan_item where action = 'suspend';
alter table sync_plan_item drop constraint if exists sync_plan_item_action_check;
alter table sync_plan_item add constraint sync_plan_item_action_check
  check (action in ('create', 'update', 'deactivate', 'reactivate', 'conflict', 'unchanged'));
alter table enrollment_token drop column if exists reason, drop column if exists disclosure;
update app_user set status = 'deactivated' where status = 'suspended';
alter table app_user drop constraint if exists app_user_status_check;
alter table app_user add constraint app_user_status_check
  check (status in ('pending', 'active', 'deactivated'));
`);
  }
}
