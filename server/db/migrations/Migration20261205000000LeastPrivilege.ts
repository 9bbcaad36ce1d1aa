import { Migration } from '@mikro-orm/migrations';

/**
 * Least privilege (issue 15, scope 4; docs/database.md). The service runs as a role that owns
 * nothing and may only append to the audit tables, so the commit-time chaining trigger cannot run
 * with the writer's rights any more: it becomes SECURITY DEFINER, owned by the owner role that runs
 * migrations, with a fixed search_path (our schema, then pg_temp last, so nothing a caller creates
 * can shadow a table or pgcrypto's hmac()). It does only the chaining: read this transaction's
 * staged rows, insert them into audit_event, move audit_chain_head.
 *
 * pg-boss gets its schema from the owner here; the runtime role is granted CREATE in it (roles.ts)
 * and creates pg-boss's tables at run time, with nothing on `public` beyond its grants.
 */
export class Migration20261205000000LeastPrivilege extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create schema if not exists pgboss;
alter function audit_chain_pending() security definer set search_path = public, pg_temp;
revoke all on function audit_chain_pending() from public;
`);
  }

  override async down(): Promise<void> {
    this.addSql(`
alter function audit_chain_pending() security invoker reset search_path;
grant execute on function audit_chain_pending() to public;
`);
  }
}
