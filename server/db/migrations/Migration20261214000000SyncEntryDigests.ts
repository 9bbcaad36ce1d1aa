import { Migration } from '@mikro-orm/migrations';

/**
 * A directory entry the last plan found nothing to do for is recognized by its digest and not
 * planned again (issue 17, the no-change run; docs/decisions.md "Unchanged entries by digest").
 *
 * - `app_user.sync_digest`: the digest (sources/entryDigest.ts) of the entry that person was
 *   last created from or found unchanged against, with the plan's configuration in it. A read
 *   that meets the same digest stages the entry's id only (`sync_staging.record` null): it counts
 *   as present, and the plan skips it.
 * - The digest is valid only while the person is as that plan saw them. Triggers forget it
 *   (set it null) whenever what the plan compares changes by any other way than the sync's own
 *   write of a new digest: a column the plan reads (`app_user_digest_forget`), a membership of a
 *   space (`space_member_digest_forget`, except inside a sync batch that set
 *   `sync.keep_digest`: it adds the memberships the digest describes), the name of the person's
 *   organization or of one of their spaces. A forgotten digest only costs the entry a plan.
 * - `sync_staging.digest` and `sync_plan_item.digest` carry it from the read to the apply;
 *   `sync_plan_item.user_xmin` is the person's row version the plan read, so an unchanged item
 *   records its digest only if nobody changed the person in between (an approval can take days).
 * - `app_user_analyze_if_stale()`: a plan of mostly recognized entries is a few index probes per
 *   changed entry, if PostgreSQL knows how many people the source has. Right after a bulk load
 *   (the first sync of a directory, an import) its statistics still say a few hundred, and the
 *   plan reads every person of the source instead, several times (measured: 0.8 s of a 1.3 s
 *   plan at 100,000 people). After an apply of many changes and before a plan of many entries,
 *   the function refreshes them when a tenth of the table changed since the last ANALYZE; like
 *   `sync_staging_analyze()` it is SECURITY DEFINER (ANALYZE needs the owner) and takes no
 *   argument.
 */
export class Migration20261214000000SyncEntryDigests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table app_user add column sync_digest uuid;
alter table sync_staging alter column record drop not null, add column digest uuid;
alter table sync_plan_item add column digest uuid, add column user_xmin bigint;

create function app_user_digest_forget() returns trigger language plpgsql as $$
begin
  new.sync_digest := null;
  return new;
end $$;

-- Every column of app_user the plan reads (plan.ts entriesSql); the sync's own writes set a new
-- digest or null in the same statement.
create trigger app_user_digest_forget before update on app_user
  for each row when (
    new.sync_digest is not null and new.sync_digest is not distinct from old.sync_digest
    and (old.username, old.family_name, old.given_name, old.middle_name, old.display_name,
         old.email, old.phone, old.title, old.hire_date, old.termination_date,
         old.organization_id, old.employee_number, old.status, old.status_source,
         old.status_source_at, old.status_changed_at, old.source, old.source_id,
         old.hr_source_id, old.external_id)
        is distinct from
        (new.username, new.family_name, new.given_name, new.middle_name, new.display_name,
         new.email, new.phone, new.title, new.hire_date, new.termination_date,
         new.organization_id, new.employee_number, new.status, new.status_source,
         new.status_source_at, new.status_changed_at, new.source, new.source_id,
         new.hr_source_id, new.external_id))
  execute function app_user_digest_forget();

create function space_member_digest_forget() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('sync.keep_digest', true), '') = 'on' then return null; end if;
  if tg_op = 'INSERT' then
    update app_user u set sync_digest = null
      from (select distinct user_id from changed_rows) c
     where u.id = c.user_id and u.sync_digest is not null;
  else
    update app_user u set sync_digest = null
      from (select distinct user_id from gone_rows) c
     where u.id = c.user_id and u.sync_digest is not null;
  end if;
  return null;
end $$;

create trigger space_member_digest_forget_ins after insert on space_member
  referencing new table as changed_rows for each statement
  execute function space_member_digest_forget();
create trigger space_member_digest_forget_del after delete on space_member
  referencing old table as gone_rows for each statement
  execute function space_member_digest_forget();

create function organization_digest_forget() returns trigger language plpgsql as $$
begin
  update app_user set sync_digest = null
   where organization_id = new.id and sync_digest is not null;
  return null;
end $$;

create trigger organization_digest_forget after update of name on organization
  for each row when (old.name is distinct from new.name)
  execute function organization_digest_forget();

create function space_digest_forget() returns trigger language plpgsql as $$
begin
  update app_user u set sync_digest = null
    from space_member m
   where m.space_id = new.id and u.id = m.user_id and u.sync_digest is not null;
  return null;
end $$;

create trigger space_digest_forget after update of name on space
  for each row when (old.name is distinct from new.name)
  execute function space_digest_forget();

create function app_user_analyze_if_stale() returns boolean language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  stale boolean;
begin
  select s.n_mod_since_analyze > 1000 + 0.1 * greatest(c.reltuples, 0) into stale
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
   where s.relid = 'public.app_user'::regclass;
  if coalesce(stale, false) then
    analyze app_user;
  end if;
  return coalesce(stale, false);
end $$;
revoke all on function app_user_analyze_if_stale() from public;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists app_user_analyze_if_stale();
drop trigger if exists space_digest_forget on space;
drop function if exists space_digest_forget();
drop trigger if exists organization_digest_forget on organization;
drop function if exists organization_digest_forget();
drop trigger if exists space_member_digest_forget_ins on space_member;
drop trigger if exists space_member_digest_forget_del on space_member;
drop function if exists space_member_digest_forget();
drop trigger if exists app_user_digest_forget on app_user;
drop function if exists app_user_digest_forget();
alter table sync_plan_item drop column if exists digest, drop column if exists user_xmin;
delete from sync_staging where record is null;
alter table sync_staging drop column if exists digest, alter column record set not null;
alter table app_user drop column if exists sync_digest;`);
  }
}
