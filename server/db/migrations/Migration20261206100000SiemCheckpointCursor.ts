import { Migration } from '@mikro-orm/migrations';

/**
 * The SIEM stream carries the signed checkpoint records too (docs/siem.md): per receiver, the
 * index of the last record it confirmably read (-1: none yet, so a new receiver gets every
 * record). Records are read from the checkpoint file, not from the database; only this position
 * is kept here, like the events' `seq`.
 */
export class Migration20261206100000SiemCheckpointCursor extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table siem_cursor
  add column checkpoint_index bigint not null default -1 check (checkpoint_index >= -1);`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table siem_cursor drop column if exists checkpoint_index;');
  }
}
