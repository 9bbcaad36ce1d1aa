import { Migration } from '@mikro-orm/migrations';

/**
 * The directory core: people, organizations, spaces, back-office sessions and factors, and the
 * append-only, hash-chained audit log.
 */
export class Migration20261121000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create extension if not exists pg_trgm;

-- Lower-cased, ё-folded text used for case-insensitive Cyrillic/Latin search.
create function fold_search(text) returns text language sql immutable parallel safe
  return translate(lower($1), 'ё', 'е');

create table organization (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('department', 'project')),
  parent_id uuid references organization(id) on delete restrict,
  description text check (length(description) <= 2000),
  source text not null default 'manual' check (source in ('manual', 'import', 'ad', 'hr', 'scim')),
  external_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  check (parent_id is null or parent_id <> id)
);
create unique index organization_sibling_name_uq
  on organization (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create index organization_parent_idx on organization (parent_id);
create index organization_name_trgm on organization using gin (fold_search(name) gin_trgm_ops);

create table app_user (
  id uuid primary key,
  username text check (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  family_name text not null check (length(family_name) between 1 and 200),
  given_name text not null check (length(given_name) between 1 and 200),
  middle_name text check (length(middle_name) <= 200),
  display_name text not null check (length(display_name) between 1 and 400),
  email text check (length(email) <= 320),
  phone text check (phone ~ '^\\+[1-9][0-9]{6,14}$'),
  title text check (length(title) <= 300),
  organization_id uuid references organization(id) on delete set null,
  status text not null default 'pending' check (status in ('pending', 'active', 'deactivated')),
  status_changed_at timestamptz,
  status_changed_by_id uuid references app_user(id),
  status_reason text check (length(status_reason) <= 1000),
  login_method text not null default 'password' check (login_method in ('password', 'ldap')),
  role text check (role in ('staff', 'admin', 'auditor', 'superadmin')),
  rank smallint not null default 0,
  password_hash text,
  password_changed_at timestamptz,
  added_by_id uuid references app_user(id),
  initiated_by text check (length(initiated_by) <= 300),
  source text not null default 'manual' check (source in ('manual', 'import', 'ad', 'hr', 'scim')),
  external_id text,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  -- rank is stored (not derived at query time) so CASL conditions become plain index-friendly filters.
  check (rank = case role when 'superadmin' then 3 when 'admin' then 2 when 'auditor' then 2
                          when 'staff' then 1 else 0 end),
  search_text text generated always as (
    fold_search(family_name || ' ' || given_name || ' ' || coalesce(middle_name, '') || ' ' ||
                display_name || ' ' || coalesce(email, '') || ' ' || coalesce(username, ''))) stored,
  phone_digits text generated always as (substr(phone, 2)) stored
);
create unique index app_user_username_uq on app_user (username);
create unique index app_user_email_uq on app_user (lower(email));
create index app_user_search_trgm on app_user using gin (search_text gin_trgm_ops);
create index app_user_phone_trgm on app_user using gin (phone_digits gin_trgm_ops);
create index app_user_org_idx on app_user (organization_id);
create index app_user_status_idx on app_user (status);
create index app_user_role_idx on app_user (role) where role is not null;
create index app_user_added_by_idx on app_user (added_by_id);
create index app_user_source_idx on app_user (source);
create index app_user_sort_name_idx on app_user (family_name collate "und-x-icu", given_name collate "und-x-icu", id);
create index app_user_created_idx on app_user (created_at, id);
create unique index app_user_external_uq on app_user (source, external_id) where external_id is not null;

create table space (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  description text check (length(description) <= 2000),
  organization_id uuid references organization(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1
);
create unique index space_name_uq on space (lower(name));
create index space_name_trgm on space using gin (fold_search(name) gin_trgm_ops);

create table space_member (
  space_id uuid not null references space(id) on delete cascade,
  user_id uuid not null references app_user(id) on delete cascade,
  added_at timestamptz not null default now(),
  added_by_id uuid references app_user(id),
  primary key (space_id, user_id)
);
create index space_member_user_idx on space_member (user_id);

-- Back-office cookie sessions; the cookie carries a random token, the table only its hash.
create table backoffice_session (
  id uuid primary key,
  token_hash bytea not null unique,
  user_id uuid not null references app_user(id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text,
  revoked_at timestamptz
);
create index backoffice_session_user_idx on backoffice_session (user_id);

-- Between the password step and the TOTP step of a back-office login.
create table login_challenge (
  token_hash bytea primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  pending_totp_secret text,
  attempts smallint not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create table totp_factor (
  user_id uuid primary key references app_user(id) on delete cascade,
  secret_encrypted text not null,
  confirmed_at timestamptz not null,
  last_time_step bigint not null default 0
);

create table enrollment_token (
  token_hash bytea primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  created_by_id uuid references app_user(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index enrollment_token_user_idx on enrollment_token (user_id);

-- Storage for rate-limiter-flexible (shared by every process on this database).
create table rate_limit (
  key text primary key,
  points integer not null default 0,
  expire bigint
);

-- The audit log: append-only and hash-chained. seq is assigned under the chain head's row lock,
-- so the chain order equals the commit order of the writers.
create table audit_chain_head (
  id smallint primary key check (id = 1),
  seq bigint not null,
  hash bytea not null
);
insert into audit_chain_head values (1, 0, '\\x0000000000000000000000000000000000000000000000000000000000000000');

create table audit_event (
  seq bigint primary key,
  at timestamptz not null,
  actor_id uuid,
  actor_label text not null,
  actor_role text,
  ip text,
  user_agent text,
  request_id text,
  action text not null,
  target_type text,
  target_id text,
  target_label text,
  outcome text not null check (outcome in ('success', 'denied', 'failure')),
  reason text,
  diff jsonb,
  details jsonb,
  -- HMAC-SHA256(key, previous hash || canonical content); see server/audit/chain.ts.
  hash bytea not null
);
create index audit_event_actor_at_idx on audit_event (actor_id, at);
create index audit_event_target_at_idx on audit_event (target_id, at);
create index audit_event_action_at_idx on audit_event (action, at);
create index audit_event_at_idx on audit_event (at);

create function audit_event_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_refuse_change();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_refuse_change();
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists audit_event, audit_chain_head, rate_limit, enrollment_token, totp_factor,
  login_challenge, backoffice_session, space_member, space, app_user, organization cascade;
drop function if exists audit_event_refuse_change, fold_search;
`);
  }
}
