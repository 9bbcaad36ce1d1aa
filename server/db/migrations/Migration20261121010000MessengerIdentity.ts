import { Migration } from '@mikro-orm/migrations';

/**
 * Messenger identity: device sessions whose tokens the messaging core introspects, recovery
 * codes for the second factor, and the per-account lockout state.
 */
export class Migration20261121010000MessengerIdentity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
-- A messenger login on one device. The token (256 random bits) is only stored as its SHA-256.
create table device_session (
  id uuid primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  token_hash bytea not null unique,
  device_name text check (length(device_name) <= 200),
  platform text check (length(platform) <= 50),
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text check (length(revoked_reason) <= 1000),
  revoked_by_id uuid references app_user(id)
);
create index device_session_user_live_idx on device_session (user_id) where revoked_at is null;

-- Login challenges serve both the back-office and the messenger login.
alter table login_challenge
  add column purpose text not null default 'backoffice' check (purpose in ('backoffice', 'messenger')),
  add column device jsonb;

-- One-time recovery codes for a lost authenticator; stored as hashes only.
create table recovery_code (
  user_id uuid not null references app_user(id) on delete cascade,
  code_hash bytea not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  primary key (user_id, code_hash)
);

-- Exponential lockout per account: consecutive failures and until when the account is locked.
create table account_lockout (
  account text primary key,
  failures integer not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists account_lockout, recovery_code, device_session;
alter table login_challenge drop column if exists device, drop column if exists purpose;
`);
  }
}
