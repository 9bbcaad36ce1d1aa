import { Migration } from '@mikro-orm/migrations';

/**
 * Invitations by e-mail (issue 14, docs/invitations.md). One `invitation` row per person who was
 * ever invited holds the state (invited, held, registered, revoked; "expired" is an invited row
 * past `expires_at`, so it needs no sweep), who sent it and how often, and the SHA-256 of the one
 * live token: a resend overwrites the hash, so the earlier link dies in the same statement.
 * `pending_totp_secret` is the second factor the registration page offered (encrypted, bound to
 * the person like every TOTP secret). A bulk invitation is an `invitation_batch` (the job, with
 * its progress counters) and one `invitation_batch_item` per person it looked at, with the result.
 */
export class Migration20261204183000Invitations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table invitation (
  user_id uuid primary key references app_user (id) on delete cascade,
  status text not null check (status in ('invited', 'held', 'registered', 'revoked')),
  token_hash bytea unique,
  locale text not null default 'ru' check (locale in ('ru', 'en')),
  expires_at timestamptz,
  first_sent_at timestamptz,
  last_sent_at timestamptz,
  sent_count integer not null default 0,
  first_invited_by_id uuid references app_user (id) on delete set null,
  last_invited_by_id uuid references app_user (id) on delete set null,
  reminded_at timestamptz,
  held_until timestamptz,
  held_change_by_id uuid,
  registered_at timestamptz,
  revoked_at timestamptz,
  revoked_by_id uuid references app_user (id) on delete set null,
  pending_totp_secret text,
  updated_at timestamptz not null default now()
);
create index invitation_open_idx on invitation (status, last_sent_at) where status in ('invited', 'held');

create table invitation_batch (
  id uuid primary key,
  status text not null check (status in ('running', 'succeeded', 'failed')),
  requested_by_id uuid,
  requested_by text not null,
  filter jsonb not null,
  locale text not null check (locale in ('ru', 'en')),
  total integer not null default 0,
  processed integer not null default 0,
  invited integer not null default 0,
  skipped integer not null default 0,
  error text,
  created_at timestamptz not null,
  finished_at timestamptz
);

create table invitation_batch_item (
  batch_id uuid not null references invitation_batch (id) on delete cascade,
  position integer not null,
  user_id uuid not null,
  label text,
  outcome text check (outcome in ('invited', 'skipped')),
  code text,
  primary key (batch_id, position)
);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists invitation_batch_item, invitation_batch, invitation;');
  }
}
