import { Migration } from '@mikro-orm/migrations';

/**
 * Directory sync (issue 4): sources defined through the API, runs with their stored plans, the
 * staging area a read lands in, and the columns that tie a person to the source that owns them.
 */
export class Migration20261121030000DirectorySync extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
-- Sources defined through the API; sources from config/ live only in the configuration.
-- config never holds a secret: the bind password stays in the environment variable it names.
create table directory_source (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  kind text not null check (kind in ('active-directory', 'ldap')),
  name text not null check (length(name) between 1 and 200),
  config jsonb not null,
  schedule jsonb not null default '{}',
  thresholds jsonb not null default '{}',
  correlate_by text not null default 'employeeId' check (correlate_by in ('employeeId', 'email', 'username')),
  enabled boolean not null default true,
  cursor jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1
);

create table sync_run (
  id uuid primary key,
  source_id text not null,
  mode text not null check (mode in ('full', 'incremental', 'dry-run')),
  -- What was actually read: an incremental request without a usable cursor reads everything.
  read_mode text check (read_mode in ('full', 'incremental')),
  status text not null check (status in ('running', 'planned', 'awaiting_approval', 'applying',
                                         'succeeded', 'failed', 'cancelled')),
  counts jsonb not null default '{}',
  cursor_before jsonb,
  cursor_after jsonb,
  requested_by_id uuid references app_user(id) on delete set null,
  requested_by text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms integer,
  error text,
  -- Why deactivations were held back (zero entries, too few entries), if they were.
  safety text,
  approved_by_id uuid references app_user(id) on delete set null,
  approved_at timestamptz,
  cancel_requested_at timestamptz
);
create index sync_run_source_idx on sync_run (source_id, started_at desc, id);
create index sync_run_started_idx on sync_run (started_at desc, id);
-- A backstop to the advisory lock: at most one live run per source.
create unique index sync_run_live_uq on sync_run (source_id) where status in ('running', 'applying');

-- One read's entries, set-based per page; emptied once the plan is computed. Unlogged: a crash
-- loses only a read in progress, which fails and is read again.
create unlogged table sync_staging (
  run_id uuid not null,
  external_id text not null,
  record jsonb not null,
  primary key (run_id, external_id)
);

create table sync_plan_item (
  run_id uuid not null references sync_run(id) on delete cascade,
  seq integer not null,
  action text not null check (action in ('create', 'update', 'deactivate', 'reactivate',
                                         'conflict', 'unchanged')),
  -- For a create, the id the person will get (chosen at plan time, so a resumed apply reuses it).
  user_id uuid,
  external_id text,
  locator text,
  label text,
  -- {field: {from, to}} of the changes this item makes.
  diff jsonb not null default '{}',
  -- A create's whole normalized record.
  record jsonb,
  -- Linking a person found by the correlation key (not yet owned by this source).
  link boolean not null default false,
  reason text,
  -- Held back by a safety rule; never applied, even after approval.
  blocked text,
  applied_at timestamptz,
  outcome text check (outcome in ('applied', 'skipped', 'failed')),
  outcome_reason text,
  primary key (run_id, seq)
);
create index sync_plan_item_action_idx on sync_plan_item (run_id, action, seq);
create index sync_plan_item_pending_idx on sync_plan_item (run_id, seq) where applied_at is null;

alter table app_user
  add column source_id text,
  add column employee_number text,
  -- Which source last changed the status, and when: a source reactivates only people whose
  -- deactivation was its own (status_changed_at still equal to status_source_at).
  add column status_source text,
  add column status_source_at timestamptz;
create index app_user_source_external_idx on app_user (source_id, external_id);
create index app_user_employee_number_idx on app_user (employee_number) where employee_number is not null;
`);
  }
}
