import { Migration } from '@mikro-orm/migrations';

/**
 * Retention without breaking the chain (issue 15, scope 6; docs/audit.md "Archiving old months",
 * docs/decisions.md). `audit archive` exports the oldest events as a signed bundle and then
 * deletes them; the database keeps where its chain now starts in `audit_archive` (append-only like
 * the other audit tables), so verification starts from the archived last hash.
 *
 * The one way past the append-only guard is `audit_archive_through()`: it checks that the events
 * it removes are a whole prefix of the log ending at the hash the caller archived, records the
 * boundary first, and only then deletes, with a transaction-local marker that the guard on
 * audit_event honours for rows the boundary covers. It is SECURITY INVOKER on purpose: it runs
 * with the caller's rights, so it works only for a role that may already DELETE from audit_event
 * (the owner); EXECUTE is revoked from PUBLIC here and from the runtime role by
 * grantRuntimePrivileges (server/db/roles.ts OWNER_ONLY_FUNCTIONS). Even a wrong grant of EXECUTE
 * would give the runtime role nothing: it holds no DELETE on audit_event nor INSERT on
 * audit_archive. What holds against the owner and the DBA, who can bypass any trigger, is the
 * signed archive record outside the database that every boundary row must match.
 */
export class Migration20261205010000AuditRetention extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table audit_archive (
  -- Events 1..through_seq are no longer in audit_event: they are in the bundle whose SHA-256
  -- this row names, and event through_seq + 1 links to through_hash.
  through_seq bigint primary key check (through_seq >= 1),
  through_hash bytea not null check (length(through_hash) = 32),
  bundle_sha256 bytea not null check (length(bundle_sha256) = 32),
  at timestamptz not null default now()
);
create trigger audit_archive_no_change before update or delete on audit_archive
  for each row execute function audit_event_refuse_change();
create trigger audit_archive_no_truncate before truncate on audit_archive
  for each statement execute function audit_event_refuse_change();

-- The guard of audit_event: as before, except a DELETE made by audit_archive_through() of a row
-- that the boundary it has just recorded covers.
create function audit_event_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE'
     and old.seq <= coalesce(nullif(current_setting('audit.archiving_through', true), '')::bigint, 0)
     and exists (select 1 from audit_archive where through_seq >= old.seq) then
    return old;
  end if;
  raise exception 'audit_event is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
drop trigger audit_event_no_update on audit_event;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_guard();

create function audit_archive_through(p_through_seq bigint, p_through_hash bytea,
  p_bundle_sha256 bytea) returns bigint
language plpgsql set search_path = public, pg_temp as $$
declare
  v_from bigint;
  v_head bigint;
  v_hash bytea;
  v_present bigint;
  v_deleted bigint;
begin
  -- One archive at a time (self-conflicting); appends go on, they lock only the chain head.
  lock table audit_archive in share row exclusive mode;
  select coalesce(max(through_seq), 0) into v_from from audit_archive;
  select seq into v_head from audit_chain_head where id = 1;
  if p_through_seq <= v_from then
    raise exception 'audit events up to % are already archived', v_from
      using errcode = 'check_violation';
  end if;
  if p_through_seq > v_head then
    raise exception 'audit event % is past the chain head (%)', p_through_seq, v_head
      using errcode = 'check_violation';
  end if;
  select hash into v_hash from audit_event where seq = p_through_seq;
  if v_hash is distinct from p_through_hash then
    raise exception 'audit event % does not hold the hash that was archived', p_through_seq
      using errcode = 'check_violation';
  end if;
  select count(*) into v_present from audit_event where seq > v_from and seq <= p_through_seq;
  if v_present <> p_through_seq - v_from then
    raise exception 'audit events % to % are not all in the log', v_from + 1, p_through_seq
      using errcode = 'check_violation';
  end if;
  insert into audit_archive (through_seq, through_hash, bundle_sha256)
    values (p_through_seq, p_through_hash, p_bundle_sha256);
  perform set_config('audit.archiving_through', p_through_seq::text, true);
  delete from audit_event where seq > v_from and seq <= p_through_seq;
  get diagnostics v_deleted = row_count;
  perform set_config('audit.archiving_through', '', true);
  return v_deleted;
end $$;
revoke all on function audit_archive_through(bigint, bytea, bytea) from public;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop function if exists audit_archive_through(bigint, bytea, bytea);
drop trigger if exists audit_event_no_update on audit_event;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_refuse_change();
drop function if exists audit_event_guard();
drop table if exists audit_archive;
`);
  }
}
