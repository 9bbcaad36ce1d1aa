import { Migration } from '@mikro-orm/migrations';

/**
 * The mail queue (docs/mail.md): the outbox of outgoing mail. A command inserts rendered mails in
 * its own transaction (`enqueueMail`); mail workers claim due rows with `FOR UPDATE SKIP LOCKED`
 * after commit, send them over SMTP and record the answer. A body may carry a credential (a
 * one-time code, an invitation link), so it lives only while the mail waits: the CHECK below lets
 * a body exist on a `queued` row only, and sending, dying or never being sendable clears it.
 */
export class Migration20261204185000MailQueue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table mail_message (
  id uuid primary key,
  recipient text not null,
  template text not null,
  locale text not null check (locale in ('ru', 'en')),
  user_id uuid references app_user(id) on delete set null,
  subject text not null,
  body_text text,
  body_html text,
  status text not null check (status in ('queued', 'sent', 'dead', 'unconfigured')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  smtp_response text,
  smtp_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  dead_at timestamptz,
  constraint mail_message_body_chk
    check (status = 'queued' or (body_text is null and body_html is null))
);

-- The worker's claim: due queued rows, oldest first.
create index mail_message_due_idx on mail_message (next_attempt_at, created_at) where status = 'queued';
-- The console's queue view, newest first.
create index mail_message_created_idx on mail_message (created_at desc, id);
create index mail_message_user_idx on mail_message (user_id) where user_id is not null;
`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists mail_message;');
  }
}
