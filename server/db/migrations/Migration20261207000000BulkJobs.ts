import { Migration } from '@mikro-orm/migrations';

/**
 * Bulk jobs on the people list's whole selection (issue 16, docs/api.md "Bulk jobs"). A
 * `bulk_job` records who asked, the verb, the list filter it was started with, its parameters
 * (reason, organization, space, locale), the totals and progress, its status and the lease of
 * the process running it (`locked_until`: a process that died leaves a lease that passes, and
 * the next one takes the job over after the last committed chunk). One `bulk_job_item` per
 * person the filter matched at the start, in order, with that person's result.
 */
export class Migration20261207000000BulkJobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table bulk_job (
  id uuid primary key,
  verb text not null check (verb in ('deactivate', 'activate', 'suspend', 'invite', 'move',
                                     'add_to_space', 'remove_from_space')),
  status text not null check (status in ('queued', 'running', 'cancelled', 'done', 'failed')),
  requested_by_id uuid not null references app_user (id),
  requested_by text not null,
  filter jsonb not null,
  params jsonb not null default '{}'::jsonb,
  total integer not null,
  processed integer not null default 0,
  ok integer not null default 0,
  skipped integer not null default 0,
  failed integer not null default 0,
  chunks integer not null default 0,
  cancel_requested boolean not null default false,
  locked_until timestamptz,
  error text,
  created_at timestamptz not null,
  finished_at timestamptz
);
create index bulk_job_live_idx on bulk_job (locked_until) where status in ('queued', 'running');
create index bulk_job_requester_idx on bulk_job (requested_by_id, created_at desc);

create table bulk_job_item (
  job_id uuid not null references bulk_job (id) on delete cascade,
  position integer not null,
  user_id uuid not null,
  label text,
  outcome text check (outcome in ('ok', 'skipped', 'failed')),
  code text,
  primary key (job_id, position)
);
create index bulk_job_item_open_idx on bulk_job_item (job_id, position) where outcome is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists bulk_job_item, bulk_job;');
  }
}
