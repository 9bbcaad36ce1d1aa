import { Migration } from '@mikro-orm/migrations';

/**
 * HR feeds (issue 7): the HR link of a person (next to the directory link of issue 4),
 * employment dates, scheduled status changes, SCIM tokens and SCIM's own ids (people and
 * spaces), and import metadata on runs.
 */
export class Migration20261121050000HrFeeds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user
  -- The HR channel that feeds the person ('hr-import', 'scim'); HR identifies people by their
  -- employee number (app_user.employee_number), so no second external id is needed for imports.
  add column hr_source_id text,
  -- SCIM's externalId (the HR platform's or IdP's own id); kept apart from external_id, which
  -- belongs to the directory source that may link the same person.
  add column scim_external_id text,
  add column hire_date date,
  add column termination_date date;
create index app_user_hr_source_idx on app_user (hr_source_id) where hr_source_id is not null;
create unique index app_user_scim_external_uq on app_user (scim_external_id) where scim_external_id is not null;
create index app_user_termination_idx on app_user (termination_date) where termination_date is not null;

-- Spaces: who made them. SCIM groups are spaces with source 'scim' and SCIM's externalId.
alter table space
  add column source text not null default 'manual' check (source in ('manual', 'import', 'ad', 'hr', 'scim')),
  add column external_id text;
create unique index space_source_external_uq on space (source, external_id) where external_id is not null;

-- Import runs keep their file's facts (name, SHA-256, format, encoding, delimiter, mapping,
-- row count, row errors); other runs leave it empty.
alter table sync_run add column details jsonb not null default '{}';

-- A status change that takes effect later: a leaver's deactivation at the end of their last day
-- (company time zone), a new hire's activation on their first day. At most one live change of
-- each kind per person; HR changes or cancels it; a pg-boss job fires the due ones.
create table scheduled_change (
  id uuid primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  kind text not null check (kind in ('activate', 'deactivate')),
  -- The calendar date HR gave, and the instant it means in the company's time zone.
  effective_date date not null,
  effective_at timestamptz not null,
  -- Who scheduled it: an HR source id ('hr-import', 'scim') or 'manual'.
  source_id text not null,
  reason text check (length(reason) <= 1000),
  created_at timestamptz not null default now(),
  created_by text not null,
  created_by_id uuid references app_user(id) on delete set null,
  updated_at timestamptz not null default now(),
  cancelled_at timestamptz,
  cancelled_by text,
  fired_at timestamptz,
  outcome text check (outcome in ('applied', 'skipped')),
  outcome_reason text
);
create unique index scheduled_change_live_uq on scheduled_change (user_id, kind)
  where cancelled_at is null and fired_at is null;
create index scheduled_change_due_idx on scheduled_change (effective_at)
  where cancelled_at is null and fired_at is null;
create index scheduled_change_created_idx on scheduled_change (created_at desc, id);

-- Bearer tokens of SCIM clients (HR platforms, identity providers), made by a superadmin and
-- shown once. Stored as SHA-256; looked up by the public prefix, compared in constant time.
create table scim_token (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  prefix text not null unique,
  token_hash bytea not null,
  created_at timestamptz not null default now(),
  created_by_id uuid references app_user(id) on delete set null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by_id uuid references app_user(id) on delete set null
);
`);
  }
}
