import { Migration } from '@mikro-orm/migrations';

/**
 * One-time-code login methods (issue 14, scope 3; docs/identity.md, docs/sms.md).
 *
 * - `app_user.login_method` also allows `email_code` and `sms_code`.
 * - `login_code`: the one live code of a person (one row per person, so a new code replaces the
 *   old in the same statement). Only an HMAC of the code is kept (keyed outside PostgreSQL: a
 *   bare hash of six digits is reversed at once), with the SHA-256 of the challenge token the
 *   messenger holds, the address it went to, the wrong guesses so far, and when it was used:
 *   a used code stays until the next one, so a replay is recognised (and refused).
 * - `sms_message`: the SMS outbox, as `mail_message` is for mail. A command inserts the message
 *   in its transaction; the SMS worker posts it to the gateway after commit and records the
 *   gateway's answer (HTTP status, an excerpt of the body, its message id). The text (it may hold
 *   a code) lives only while the message waits; `expires_at` drops a code nobody can use anymore.
 */
export class Migration20261204200000LoginCodes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user drop constraint app_user_login_method_check;
alter table app_user add constraint app_user_login_method_check
  check (login_method in ('password', 'ldap', 'oidc', 'email_code', 'sms_code'));

create table login_code (
  user_id uuid primary key references app_user (id) on delete cascade,
  channel text not null check (channel in ('email', 'sms')),
  destination text not null check (length(destination) between 1 and 254),
  challenge_hash bytea not null unique,
  code_hmac text not null,
  attempts int not null default 0,
  device jsonb,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  dead_at timestamptz
);

create table sms_message (
  id uuid primary key,
  recipient text not null check (recipient ~ '^\\+[1-9][0-9]{6,14}$'),
  template text not null,
  locale text not null check (locale in ('ru', 'en')),
  user_id uuid references app_user (id) on delete set null,
  body text,
  status text not null check (status in ('queued', 'sent', 'dead', 'expired', 'unconfigured')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  expires_at timestamptz,
  last_error text,
  gateway_status int,
  gateway_response text,
  gateway_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  dead_at timestamptz,
  constraint sms_message_body_chk check (status = 'queued' or body is null)
);
create index sms_message_due_idx on sms_message (next_attempt_at, created_at) where status = 'queued';
create index sms_message_created_idx on sms_message (created_at desc, id);
create index sms_message_user_idx on sms_message (user_id) where user_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists sms_message, login_code;
update app_user set login_method = 'password', password_hash = null
 where login_method in ('email_code', 'sms_code');
alter table app_user drop constraint app_user_login_method_check;
alter table app_user add constraint app_user_login_method_check
  check (login_method in ('password', 'ldap', 'oidc'));`);
  }
}
