import { Migration } from '@mikro-orm/migrations';

/**
 * Role grants (issue 18): back-office roles limited to organization subtrees and/or until a
 * time. `app_user.role` stays the person's standing, company-wide role (made by `changeRole` and
 * the CLI); a grant adds a role on top of it, for the organizations in `scope` and their
 * descendants (empty = the whole company), until `expires_at` (null = until withdrawn).
 * A grant is in force while `ended_at` is null and `expires_at` is in the future: authorization
 * compares the expiry with the clock on every check, so a late expiry job never extends rights.
 *
 * `app_user.rank` stays the person's protection (the highest rank of the standing role and of the
 * grants in force): it is raised when a grant starts and lowered by whoever ends one.
 * Superadmin is never granted here (the CLI makes superadmins); only staff and admin are scoped.
 */
export class Migration20261209000000RoleGrants extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table role_grant (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user(id),
  role text not null check (role in ('staff', 'admin', 'auditor')),
  scope uuid[] not null default '{}',
  expires_at timestamptz,
  reason text not null,
  granted_by_id uuid references app_user(id),
  approved_by_id uuid references app_user(id),
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  ended_by_id uuid references app_user(id),
  end_reason text,
  version integer not null default 1,
  constraint role_grant_scoped_roles check (cardinality(scope) = 0 or role in ('staff', 'admin')),
  constraint role_grant_reason_present check (length(btrim(reason)) > 0)
);
create index role_grant_user_open_idx on role_grant (user_id) where ended_at is null;
create index role_grant_expiry_idx on role_grant (expires_at)
  where ended_at is null and expires_at is not null;
-- The rank may now exceed the standing role's (a grant in force), never fall below it.
do $$
declare name text;
begin
  select conname into name from pg_constraint
   where conrelid = 'app_user'::regclass and contype = 'c'
     and pg_get_constraintdef(oid) like '%rank =%';
  if name is not null then
    execute format('alter table app_user drop constraint %I', name);
  end if;
end $$;
alter table app_user add constraint app_user_rank_covers_role
  check (rank >= case role when 'superadmin' then 3 when 'admin' then 2 when 'auditor' then 2
                           when 'staff' then 1 else 0 end and rank <= 3);`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists role_grant;
alter table app_user drop constraint if exists app_user_rank_covers_role;
alter table app_user add check (rank = case role when 'superadmin' then 3 when 'admin' then 2
                                 when 'auditor' then 2 when 'staff' then 1 else 0 end);`);
  }
}
