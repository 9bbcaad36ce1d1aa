import { Migration } from '@mikro-orm/migrations';

/**
 * Elevation requests (issue 18, scope 2): a back-office person asks for a role (company-wide or
 * inside organization subtrees) for a number of minutes, with a reason; a superadmin other than
 * the requester approves or rejects it. Approval creates a `role_grant` expiring at the approval
 * time plus the duration (`grant_id`). A request nobody decided by `lapses_at` lapses: the clock
 * decides (an approval after `lapses_at` is refused), the expiry job only writes `lapsed` down.
 */
export class Migration20261209010000ElevationRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table elevation_request (
  id uuid primary key default gen_random_uuid(),
  requester_id uuid not null references app_user(id),
  role text not null check (role in ('staff', 'admin', 'auditor')),
  scope uuid[] not null default '{}',
  duration_minutes integer not null check (duration_minutes > 0),
  reason text not null,
  status text not null default 'pending'
    check (status in ('pending', 'approved', 'rejected', 'lapsed')),
  created_at timestamptz not null default now(),
  lapses_at timestamptz not null,
  decided_at timestamptz,
  decided_by_id uuid references app_user(id),
  decision_reason text,
  grant_id uuid references role_grant(id),
  version integer not null default 1,
  constraint elevation_request_scoped_roles
    check (cardinality(scope) = 0 or role in ('staff', 'admin')),
  constraint elevation_request_reason_present check (length(btrim(reason)) > 0),
  constraint elevation_request_decided
    check ((status = 'pending') = (decided_at is null)),
  constraint elevation_request_not_self_approved
    check (decided_by_id is null or decided_by_id <> requester_id)
);
create index elevation_request_requester_idx on elevation_request (requester_id, created_at desc);
create index elevation_request_created_idx on elevation_request (created_at desc, id desc);
create index elevation_request_pending_idx on elevation_request (lapses_at)
  where status = 'pending';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists elevation_request;');
  }
}
