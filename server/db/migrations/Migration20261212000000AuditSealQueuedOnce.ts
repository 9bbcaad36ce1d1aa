import { Migration } from '@mikro-orm/migrations';

/**
 * The commit-time seal is queued once per transaction, not once per staged event. The deferred
 * trigger on `audit_pending` fired for every staged row at COMMIT, and all but the first firing
 * returned at once (a transaction-local flag): a sync batch staging 5,000 events paid 5,000
 * PL/pgSQL calls in its COMMIT. A trigger's WHEN is evaluated when the row is inserted, and a
 * deferred event whose WHEN is false is never queued; so the first staged row of a transaction
 * marks it (`audit.seal_queued`, transaction-local, undone with a rolled-back savepoint as the
 * event itself is) and only that row queues the seal. What the seal does is unchanged.
 */
export class Migration20261212000000AuditSealQueuedOnce extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
drop trigger audit_pending_chain on audit_pending;
create constraint trigger audit_pending_chain after insert on audit_pending
  deferrable initially deferred for each row
  when (current_setting('audit.seal_queued', true) is distinct from 'on'
        and set_config('audit.seal_queued', 'on', true) = 'on')
  execute function audit_chain_pending();`);
  }

  override async down(): Promise<void> {
    this.addSql(`
drop trigger audit_pending_chain on audit_pending;
create constraint trigger audit_pending_chain after insert on audit_pending
  deferrable initially deferred for each row execute function audit_chain_pending();`);
  }
}
