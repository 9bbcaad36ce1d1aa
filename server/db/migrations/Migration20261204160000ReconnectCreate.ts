import { Migration } from '@mikro-orm/migrations';

/**
 * Reconnection's third decision (issue 13, docs/directory-sync.md, "Reconnection"): `create`, a
 * new person for a source entry whose login or e-mail matched a deactivated former person. The
 * next run creates the new person and releases the login and/or e-mail from the former person
 * (both are unique), who keeps their id, history and messenger account.
 */
export class Migration20261204160000ReconnectCreate extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table sync_reconnect_decision drop constraint sync_reconnect_decision_decision_check;
alter table sync_reconnect_decision add constraint sync_reconnect_decision_decision_check
  check (decision in ('link', 'create', 'ignore'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`
delete from sync_reconnect_decision where decision = 'create';
alter table sync_reconnect_decision drop constraint sync_reconnect_decision_decision_check;
alter table sync_reconnect_decision add constraint sync_reconnect_decision_decision_check
  check (decision in ('link', 'ignore'));`);
  }
}
