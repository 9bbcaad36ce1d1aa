import { Migration } from '@mikro-orm/migrations';

/**
 * Access reviews (issue 18, scope 5). A campaign lists, once and set-based, every item to review
 * (a standing back-office role, a role grant in force, or a space membership) with the person who
 * must review it: the head of the item's organization (the nearest head up the tree) or the
 * campaign's named reviewer. Each item keeps its own decision (confirm / revoke, by whom, when,
 * a note) and what became of it: `outcome` and `applied_at` once a revocation was carried out,
 * `undecided_at_close` for items nobody decided, which the campaign's rule kept or revoked.
 * The closing writes a signed report (`review_report`), kept as the bytes that were signed.
 *
 * `organization.head_id`: the head of an organization, who reviews what belongs to it.
 */
export class Migration20261209200000AccessReviews extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table organization add column head_id uuid references app_user(id) on delete set null;
create table review_campaign (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  kind text not null check (kind in ('backoffice_rights', 'space_members')),
  organization_id uuid references organization(id) on delete set null,
  reviewer_rule text not null check (reviewer_rule in ('organization_head', 'named')),
  reviewer_id uuid not null references app_user(id),
  due_at timestamptz not null,
  revoke_mode text not null check (revoke_mode in ('at_once', 'at_close')),
  undecided text not null check (undecided in ('keep', 'revoke')),
  status text not null default 'open' check (status in ('open', 'closed')),
  item_count integer not null default 0,
  created_by_id uuid references app_user(id),
  created_at timestamptz not null default now(),
  closed_by_id uuid references app_user(id),
  closed_at timestamptz,
  version integer not null default 1
);
create index review_campaign_created_idx on review_campaign (created_at desc);
create table review_item (
  id bigint generated always as identity primary key,
  campaign_id uuid not null references review_campaign(id) on delete cascade,
  kind text not null check (kind in ('standing_role', 'role_grant', 'space_membership')),
  user_id uuid not null references app_user(id),
  space_id uuid references space(id) on delete set null,
  grant_id uuid references role_grant(id),
  role text,
  organization_id uuid references organization(id) on delete set null,
  reviewer_id uuid not null references app_user(id),
  decision text check (decision in ('confirm', 'revoke')),
  decided_by_id uuid references app_user(id),
  decided_at timestamptz,
  note text check (length(note) <= 2000),
  undecided_at_close boolean not null default false,
  outcome text check (outcome in ('kept', 'revoked', 'gone')),
  applied_at timestamptz,
  check ((decision is null) = (decided_at is null))
);
create index review_item_campaign_idx on review_item (campaign_id, id);
create index review_item_reviewer_idx on review_item (reviewer_id, campaign_id, id);
create table review_report (
  campaign_id uuid primary key references review_campaign(id) on delete cascade,
  json text not null,
  csv text not null,
  sha256 text not null,
  key_id text not null,
  created_at timestamptz not null default now()
);
create table review_reminder (
  reviewer_id uuid primary key references app_user(id) on delete cascade,
  sent_at timestamptz not null
);`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists review_reminder;
drop table if exists review_report;
drop table if exists review_item;
drop table if exists review_campaign;
alter table organization drop column if exists head_id;`);
  }
}
