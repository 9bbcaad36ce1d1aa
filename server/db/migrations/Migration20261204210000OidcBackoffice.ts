import { Migration } from '@mikro-orm/migrations';

/**
 * The console's sign-in through the corporate provider (issue 14, docs/sso.md "Back office").
 *
 * - `oidc_login.channel`: which login a login in progress belongs to. The callback is one
 *   registered redirect URI for both; the channel decides where the browser goes next and which
 *   rules the person must meet, and a one-time code of one channel is refused by the other.
 * - `oidc_login.provider_authn`: the `acr` and `amr` of the validated ID token, kept from the
 *   callback to the exchange, where they decide whether the provider proved MFA.
 */
export class Migration20261204210000OidcBackoffice extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table oidc_login
  add column channel text not null default 'messenger'
    check (channel in ('messenger', 'backoffice')),
  add column provider_authn jsonb;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
alter table oidc_login drop column if exists provider_authn, drop column if exists channel;`);
  }
}
