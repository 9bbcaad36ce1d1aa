import { Migration } from '@mikro-orm/migrations';

/**
 * Batch sealing of the audit chain (issue 15, throughput; docs/decisions.md "Sealing the chain
 * in batches"). Until now every audited COMMIT waited for the chain head's row lock and held it
 * through its own WAL flush, so concurrent writers committed one at a time (no group commit).
 *
 * Now a writer only stages typed rows in `audit_pending` (crash-safe, since a staged event may
 * outlive its transaction; types and checks as audit_event's, so a bad value fails the writer's
 * own statement and can never poison a later seal). audit_seal() numbers and chains every staged
 * row visible to it, in staging order, in one pass: one insert into audit_event, one delete, one
 * head update. The commit-time trigger calls it without waiting (SKIP LOCKED): an uncontended
 * writer still seals its own events inside its COMMIT (read-your-writes, as before); under
 * contention the lock holder seals everything committed so far and the others commit at once,
 * their events sealed by the next holder or by the service's background sealer. Readers that
 * need the whole log (verification, checkpoints, the SIEM stream, the console) call
 * audit_seal(true) first.
 */
export class Migration20261205005000AuditBatchSeal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
drop trigger if exists audit_pending_chain on audit_pending;
drop table audit_pending;

create table audit_pending (
  id bigserial primary key,
  at timestamptz not null,
  actor_id uuid,
  actor_label text not null,
  actor_role text,
  ip text,
  user_agent text,
  request_id text,
  action text not null,
  target_type text,
  target_id text,
  target_label text,
  outcome text not null check (outcome in ('success', 'denied', 'failure')),
  reason text,
  diff jsonb,
  details jsonb,
  -- The event's canonical JSON split around its seq, which only the seal knows (append.ts).
  canonical_before text not null,
  canonical_after text not null
);
-- A queue: rows live for milliseconds, so dead ones pile up fast; vacuum it by count, not share.
alter table audit_pending set (autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0);

create function audit_seal(p_wait boolean) returns bigint language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_start bigint;
  v_seq bigint;
  v_hash bytea;
  v_ids bigint[] := '{}';
  v_hashes bytea[] := '{}';
  r record;
begin
  if not exists (select 1 from audit_pending) then
    return 0;
  end if;
  if p_wait then
    select seq, hash into v_seq, v_hash from audit_chain_head where id = 1 for update;
  else
    select seq, hash into v_seq, v_hash from audit_chain_head where id = 1 for update skip locked;
    if not found then
      return 0;
    end if;
  end if;
  v_start := v_seq;
  -- Read after taking the lock: every earlier seal has committed and its rows are gone.
  for r in select id, canonical_before, canonical_after from audit_pending order by id loop
    v_seq := v_seq + 1;
    v_hash := sha256(
      v_hash || convert_to(r.canonical_before || '"' || v_seq::text || '"' || r.canonical_after,
        'UTF8'));
    v_ids := v_ids || r.id;
    v_hashes := v_hashes || v_hash;
  end loop;
  if v_seq = v_start then
    return 0;
  end if;
  insert into audit_event (seq, at, actor_id, actor_label, actor_role, ip, user_agent,
    request_id, action, target_type, target_id, target_label, outcome, reason, diff, details, hash)
  select v_start + s.n, p.at, p.actor_id, p.actor_label, p.actor_role, p.ip, p.user_agent,
    p.request_id, p.action, p.target_type, p.target_id, p.target_label, p.outcome, p.reason,
    p.diff, p.details, s.hash
    from unnest(v_ids, v_hashes) with ordinality as s(id, hash, n)
    join audit_pending p on p.id = s.id;
  delete from audit_pending where id = any(v_ids);
  update audit_chain_head set seq = v_seq, hash = v_hash where id = 1;
  return v_seq - v_start;
end $$;
revoke all on function audit_seal(boolean) from public;

-- Fires once per staged row at COMMIT; only the first firing of a transaction tries to seal
-- (a transaction-local flag), and only a read-committed one: under repeatable read, locking a
-- head moved since the snapshot would fail the writer's COMMIT.
create or replace function audit_chain_pending() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
begin
  if current_setting('audit.seal_tried', true) = 'on' then
    return null;
  end if;
  perform set_config('audit.seal_tried', 'on', true);
  if current_setting('transaction_isolation') = 'read committed' then
    perform audit_seal(false);
  end if;
  return null;
end $$;

create constraint trigger audit_pending_chain after insert on audit_pending
  deferrable initially deferred for each row execute function audit_chain_pending();
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists audit_seal(boolean);');
  }
}
