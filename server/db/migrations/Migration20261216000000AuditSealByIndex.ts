import { Migration } from '@mikro-orm/migrations';

/**
 * audit_seal() reads the staging queue through its primary key, never by a sequential scan.
 * Every seal deletes the rows it chains, so `audit_pending` is mostly dead rows until autovacuum
 * passes (a minute apart by default, and a sync's apply leaves 100,000 at once). The planner
 * still chose a sequential scan for the seal's `exists` check and for its ordered read (the
 * cheapest plan for a table it believes small), and so each seal read every dead page twice:
 * with 125,000 dead rows, 2,589 pages and ~115 ms cold, ~3 ms warm, per seal, and the
 * commit-time seal runs in nearly every audited COMMIT. Through the index a seal reads only index
 * pages (the dead entries are marked as such on their first visit and skipped after), and its
 * cost no longer follows the queue's garbage (docs/benchmarks.md "Issue 15, session 28").
 * What the seal does is unchanged.
 */
export class Migration20261216000000AuditSealByIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter function audit_seal(boolean) set enable_seqscan = off;');
  }

  override async down(): Promise<void> {
    this.addSql('alter function audit_seal(boolean) reset enable_seqscan;');
  }
}
