import { Migration } from '@mikro-orm/migrations';

/**
 * The `oidc` login method: corporate SSO through an OpenID Connect provider (issue 14,
 * docs/sso.md).
 *
 * - `app_user.login_method` also allows `oidc`.
 * - `oidc_identity` links a person to one provider account by the pair (issuer, subject), the
 *   only identifiers OpenID Connect promises are stable and unique. The link is made once, by a
 *   verified claim, and from then on only the pair signs the person in; a mutable `email` claim
 *   never does again (the "nOAuth" flaw). One link per person, one person per pair.
 * - `oidc_login` is a login in progress: the state (only its SHA-256), nonce and PKCE verifier
 *   between the start and the provider's callback, then the one-time code (only its SHA-256)
 *   that the messenger exchanges for its session together with the verifier it started with.
 *   The PKCE verifier is kept as is: it lives minutes, is used once, and is worthless without the
 *   authorization code, which never touches the database.
 */
export class Migration20261204190000OidcLogin extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user drop constraint app_user_login_method_check;
alter table app_user add constraint app_user_login_method_check
  check (login_method in ('password', 'ldap', 'oidc'));

create table oidc_identity (
  user_id uuid primary key references app_user (id) on delete cascade,
  issuer text not null check (length(issuer) between 1 and 2000),
  subject text not null check (length(subject) between 1 and 255),
  matched_by text not null check (matched_by in ('email', 'employeeNumber')),
  linked_at timestamptz not null,
  unique (issuer, subject)
);

create table oidc_login (
  state_hash bytea primary key,
  nonce text not null,
  code_verifier text not null,
  client_challenge text not null check (client_challenge ~ '^[A-Za-z0-9_-]{43}$'),
  app_redirect_uri text not null,
  device jsonb,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  callback_at timestamptz,
  user_id uuid references app_user (id) on delete cascade,
  handoff_hash bytea unique,
  handoff_expires_at timestamptz,
  handoff_used_at timestamptz
);
create index oidc_login_expires_at_idx on oidc_login (expires_at);
create index oidc_login_user_id_idx on oidc_login (user_id) where user_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists oidc_login, oidc_identity;
update app_user set login_method = 'password', password_hash = null where login_method = 'oidc';
alter table app_user drop constraint app_user_login_method_check;
alter table app_user add constraint app_user_login_method_check
  check (login_method in ('password', 'ldap'));`);
  }
}
