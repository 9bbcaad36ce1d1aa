import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox of changes for the messaging core. A command inserts one row per
 * configured connector (listed in `outbox_connector`, written from configuration at start) in the
 * same transaction as the change; delivery workers claim the oldest undelivered row of each
 * (connector, key) with `FOR UPDATE SKIP LOCKED`, so events of one person go out in order and
 * several processes share the work.
 */
export class Migration20261121040000Outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table outbox_connector (
  name text primary key,
  kind text not null,
  updated_at timestamptz not null default now()
);

create table outbox_event (
  id bigserial primary key,
  connector text not null,
  key text not null,
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  delivered_at timestamptz,
  dead_at timestamptz,
  skipped_at timestamptz,
  last_error text,
  constraint outbox_event_final_chk check (delivered_at is null or skipped_at is null)
);

-- The head of each (connector, key): the oldest row not yet delivered or skipped. Dead rows stay
-- in this index on purpose: they hold their key until retried or skipped.
create index outbox_event_open_idx on outbox_event (connector, key, id)
  where delivered_at is null and skipped_at is null;
-- Listing and counting dead rows (the dashboard's alarm).
create index outbox_event_dead_idx on outbox_event (connector, id)
  where dead_at is not null and delivered_at is null and skipped_at is null;
-- Listing delivered rows per key (a person's history), newest first.
create index outbox_event_key_idx on outbox_event (key, id);
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists outbox_event; drop table if exists outbox_connector;');
  }
}
