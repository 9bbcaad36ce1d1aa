import { Migration } from '@mikro-orm/migrations';

/**
 * The SIEM stream's own cursor (docs/siem.md): per receiver (`host:port`), the last audit `seq`
 * the receiver confirmably read, and what the streaming process last saw, for the status
 * endpoint of every process (only the elected one streams). A new receiver starts at 0 and so
 * gets the whole log.
 */
export class Migration20261204220000SiemCursor extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table siem_cursor (
  target text primary key,
  seq bigint not null default 0 check (seq >= 0),
  connected boolean not null default false,
  last_error text,
  last_error_at timestamptz,
  delivered_at timestamptz,
  updated_at timestamptz not null default now()
);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists siem_cursor;');
  }
}
