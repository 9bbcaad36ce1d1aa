import { Migration } from '@mikro-orm/migrations';

/**
 * Core accounts that are never reused (issue 13, docs/core.md, "Core accounts"). A person's
 * account in the messaging core (the XMPP localpart) was their login, so a login released by a
 * rename or by a reconnection decision led the next person given it into the old person's
 * account, archive and roster. `app_user.core_account` is assigned once, when the person first
 * has a login, and never changes: their login of that moment when no account of that name was
 * ever assigned, else `u` and the 32 hex digits of their id. The unique index and the triggers
 * make that the database's rule, whichever path writes a person (console, SCIM, sync, import).
 *
 * Existing people keep the account they have in the core today (their lower-cased login); of
 * two people whose logins differ only in case, the older keeps it. Undelivered outbox events
 * written before this migration get the account their person had when they were written.
 */
export class Migration20261204150000CoreAccounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user add column core_account text;

update app_user u set core_account = case when r.n = 1 then lower(u.username)
                                          else 'u' || replace(u.id::text, '-', '') end
  from (select id, row_number() over (partition by lower(username) order by created_at, id) as n
          from app_user where username is not null) r
 where r.id = u.id;

create unique index app_user_core_account_uq on app_user (core_account);

create function app_user_core_account() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and old.core_account is not null then
    if new.core_account is distinct from old.core_account then
      raise exception 'app_user.core_account never changes (person %)', old.id
        using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if new.core_account is null and new.username is not null then
    new.core_account := case
      when exists (select 1 from app_user where core_account = lower(new.username))
        then 'u' || replace(new.id::text, '-', '')
      else lower(new.username) end;
  end if;
  return new;
end $$;

create trigger app_user_core_account_ins before insert on app_user
  for each row when (new.username is not null or new.core_account is not null)
  execute function app_user_core_account();
create trigger app_user_core_account_upd before update on app_user
  for each row when (new.core_account is distinct from old.core_account
                     or (old.core_account is null and new.username is not null))
  execute function app_user_core_account();

update outbox_event set payload = case
    when payload ? 'person'
      then jsonb_set(payload, '{person,coreAccount}', to_jsonb(lower(payload #>> '{person,username}')))
    when payload ? 'username'
      then payload || jsonb_build_object('coreAccount', lower(payload ->> 'username'))
    when payload ? 'added'
      then payload || jsonb_build_object(
        'added', (select coalesce(jsonb_agg(m || jsonb_build_object('coreAccount', lower(m ->> 'username'))), '[]')
                    from jsonb_array_elements(payload -> 'added') m),
        'removed', (select coalesce(jsonb_agg(m || jsonb_build_object('coreAccount', lower(m ->> 'username'))), '[]')
                      from jsonb_array_elements(payload -> 'removed') m))
    else payload end
 where delivered_at is null and skipped_at is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger app_user_core_account_upd on app_user;
drop trigger app_user_core_account_ins on app_user;
drop function app_user_core_account();
alter table app_user drop column core_account;`);
  }
}
