import { Migration } from '@mikro-orm/migrations';

/**
 * A staged entry remembers the page it came from, so that an id a read returns twice keeps the
 * entry of the later page whatever order the pages' statements finish in: pages are now staged
 * over two connections at once (sources/stageRead.ts). The table is unlogged and emptied after
 * every plan; existing rows (a read in progress during the upgrade) count as page 0.
 */
export class Migration20261211010000StagingPageOrder extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table sync_staging add column page integer not null default 0;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table sync_staging drop column page;');
  }
}
