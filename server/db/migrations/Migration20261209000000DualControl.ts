import { Migration } from '@mikro-orm/migrations';

/**
 * Dual control of sensitive configuration (issue 18, scope 3; docs/api.md "Configuration
 * changes"). A `config_change` is one change of a setting the service can change (so far: the
 * directory sources defined through the API): asked for by one superadmin, applied once a second
 * one approves (or at once, with a single superadmin), or rejected, expired or superseded. It
 * keeps the change's body (secrets sealed in the service, never plain), the redacted diff the
 * console shows, and `base_version`, the state of the setting the request was made against: an
 * approval of a request whose setting changed since is refused.
 *
 * `config_file_state` records the fingerprint of the file-configured settings at each boot that
 * found them changed (docs/decisions.md "File-only settings are fingerprinted, not gated"). Its
 * `previous_id` is unique: two processes starting at once cannot both record a change over the
 * same predecessor, so the change is audited once.
 */
export class Migration20261209000000DualControl extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table config_change (
  id uuid primary key,
  setting text not null check (setting in ('directory_source')),
  operation text not null check (operation in ('create', 'update', 'delete')),
  target_id text not null,
  target_label text,
  status text not null check (status in ('pending', 'applied', 'rejected', 'expired', 'superseded')),
  payload jsonb not null default '{}'::jsonb,
  diff jsonb not null default '{}'::jsonb,
  base_version text not null,
  requested_by_id uuid references app_user (id),
  requested_by text not null,
  requested_at timestamptz not null,
  expires_at timestamptz not null,
  decided_by_id uuid references app_user (id),
  decided_by text,
  decided_at timestamptz,
  reason text,
  single_superadmin boolean not null default false
);
create index config_change_pending_idx on config_change (expires_at) where status = 'pending';
create index config_change_history_idx on config_change (setting, requested_at desc);

create table config_file_state (
  id bigint generated always as identity primary key,
  previous_id bigint unique references config_file_state (id),
  fingerprint text not null,
  snapshot jsonb not null,
  recorded_at timestamptz not null
);
create unique index config_file_state_first_idx on config_file_state ((previous_id is null))
  where previous_id is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists config_file_state, config_change;');
  }
}
