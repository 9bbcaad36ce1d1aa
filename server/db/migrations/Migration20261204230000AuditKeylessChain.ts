import { Migration } from '@mikro-orm/migrations';

/**
 * The chain key leaves PostgreSQL (issue 15, docs/decisions.md "A keyless chain anchored by
 * signed checkpoints"). From here on the commit-time trigger chains with a keyless SHA-256:
 * hash(n) = SHA-256(hash(n-1) || canonical JSON of event n, seq included), byte for byte what
 * server/audit/chain.ts keylessHash() computes, with no secret in any statement. What makes an
 * edit detectable is the Ed25519-signed checkpoint outside the database, not the formula.
 *
 * Events already in the log keep their HMAC hashes (nothing is rewritten: rewriting the audit log
 * in a migration is what it must never allow). `audit_chain_formula` records the first keyless
 * seq (head + 1 at upgrade; 1 on a new install); verification uses HMAC with the old key below
 * it and SHA-256 from it, and every signed checkpoint carries that number. The trigger function
 * stays one function (audit_chain_pending) so that it can be made SECURITY DEFINER.
 */
export class Migration20261204230000AuditKeylessChain extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table audit_chain_formula (
  id smallint primary key check (id = 1),
  -- Events with seq >= keyless_from are chained with SHA-256; before it with HMAC-SHA256.
  keyless_from bigint not null check (keyless_from >= 1)
);
insert into audit_chain_formula select 1, seq + 1 from audit_chain_head where id = 1;
create trigger audit_chain_formula_no_change before update or delete on audit_chain_formula
  for each row execute function audit_event_refuse_change();
create trigger audit_chain_formula_no_truncate before truncate on audit_chain_formula
  for each statement execute function audit_event_refuse_change();

create or replace function audit_chain_pending() returns trigger language plpgsql as $$
declare
  v_seq bigint;
  v_hash bytea;
  p record;
  e jsonb;
begin
  -- The first firing in a transaction chains all of its staged rows; later firings find none.
  if not exists (select 1 from audit_pending where tx = pg_current_xact_id()) then
    return null;
  end if;
  select seq, hash into v_seq, v_hash from audit_chain_head where id = 1 for update;
  for p in select events from audit_pending where tx = pg_current_xact_id() order by id loop
    for e in select value from jsonb_array_elements(p.events) loop
      v_seq := v_seq + 1;
      v_hash := sha256(
        v_hash || convert_to((e->>'before') || '"' || v_seq::text || '"' || (e->>'after'), 'UTF8'));
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
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_chain_formula;');
  }
}
