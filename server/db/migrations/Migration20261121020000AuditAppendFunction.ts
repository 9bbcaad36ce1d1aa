import { Migration } from '@mikro-orm/migrations';

/**
 * Chaining audit events at commit time. A writer stages its events (with their canonical JSON
 * split around the sequence number, which only the chain knows) in `audit_pending`; a deferred
 * constraint trigger runs inside COMMIT, takes the chain head's row lock, numbers the events,
 * computes HMAC-SHA256(key, previous hash || canonical JSON) — exactly server/audit/chain.ts —
 * inserts them into audit_event and moves the head. The lock is thus held only for the trigger
 * and the commit's WAL flush, not across round trips to the service, so concurrent writers
 * serialize for well under a millisecond each (docs/benchmarks.md).
 */
export class Migration20261121020000AuditAppendFunction extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create extension if not exists pgcrypto;

-- Rows live only inside the transaction that staged them (moved out at its commit), so the
-- table need not be crash-safe.
create unlogged table audit_pending (
  id bigserial primary key,
  tx xid8 not null default pg_current_xact_id(),
  events jsonb not null
);
create index audit_pending_tx_idx on audit_pending (tx);

create function audit_chain_pending() returns trigger language plpgsql as $$
declare
  v_key bytea;
  v_seq bigint;
  v_hash bytea;
  p record;
  e jsonb;
begin
  -- The first firing in a transaction chains all of its staged rows; later firings find none.
  if not exists (select 1 from audit_pending where tx = pg_current_xact_id()) then
    return null;
  end if;
  -- The key is set for this transaction only, by the writer, and never stored.
  v_key := decode(current_setting('audit.chain_key'), 'hex');
  select seq, hash into v_seq, v_hash from audit_chain_head where id = 1 for update;
  for p in select events from audit_pending where tx = pg_current_xact_id() order by id loop
    for e in select value from jsonb_array_elements(p.events) loop
      v_seq := v_seq + 1;
      v_hash := hmac(
        v_hash || convert_to((e->>'before') || '"' || v_seq::text || '"' || (e->>'after'), 'UTF8'),
        v_key, 'sha256');
      insert into audit_event (seq, at, actor_id, actor_label, actor_role, ip, user_agent,
        request_id, action, target_type, target_id, target_label, outcome, reason, diff, details,
        hash)
      values (v_seq, (e->>'at')::timestamptz, (e->>'actorId')::uuid, e->>'actorLabel',
        e->>'actorRole', e->>'ip', e->>'userAgent', e->>'requestId', e->>'action',
        e->>'targetType', e->>'targetId', e->>'targetLabel', e->>'outcome', e->>'reason',
        nullif(e->'diff', 'null'::jsonb), nullif(e->'details', 'null'::jsonb), v_hash);
    end loop;
  end loop;
  delete from audit_pending where tx = pg_current_xact_id();
  update audit_chain_head set seq = v_seq, hash = v_hash where id = 1;
  return null;
end $$;

create constraint trigger audit_pending_chain after insert on audit_pending
  deferrable initially deferred for each row execute function audit_chain_pending();
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop table if exists audit_pending;
drop function if exists audit_chain_pending();
`);
  }
}
