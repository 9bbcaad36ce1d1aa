import { pipeline, type Readable, Transform } from 'node:stream';
import { subject } from '@casl/ability';
import { stringify } from 'csv-stringify';
import QueryStream from 'pg-query-stream';
import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { neutralizeCell } from '../../commands/auditLog/export.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { BulkJobView } from './schemas.ts';
import { type BulkJobRow, loadJob, presentJob } from './store.ts';

/** Loads a job the caller may see (its requester; superadmins and auditors any), or 404. */
async function visibleJob(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<BulkJobRow> {
  // A read only: no audit event (the console polls it for the progress bar).
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const job = await loadJob(em, id);
      if (!job || !ability.can('read', subject('BulkJob', { requestedById: job.requested_by_id })))
        throw notFound('Bulk job');
      return job;
    },
    ability,
  );
}

/** A job's progress and counts (`GET /bulk-jobs/:id`, polled by the console). */
export async function getBulkJob(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<BulkJobView> {
  return presentJob(await visibleJob(services, actor, ability, id));
}

const WORDS = {
  ru: {
    headers: ['№', 'ID', 'Сотрудник', 'Результат', 'Код', 'Причина'],
    outcome: { ok: 'выполнено', skipped: 'пропущен', failed: 'ошибка' } as Record<string, string>,
    codes: {
      forbidden: 'нет прав на это действие с этим сотрудником',
      not_found: 'сотрудник не найден',
      already_deactivated: 'уже деактивирован',
      already_suspended: 'уже приостановлен',
      already_active: 'уже активен',
      last_superadmin: 'последний активный суперадминистратор',
      kept_by_hand: 'статус установлен вручную',
      not_eligible: 'статус не подходит для этого действия',
      already_there: 'уже в этой организации',
      source_owned_field: 'организацию ведёт источник данных',
      already_member: 'уже участник пространства',
      not_member: 'не участник пространства',
      held: 'приглашение задержано до подтверждения адреса',
      internal_error: 'внутренняя ошибка',
    } as Record<string, string>,
  },
  en: {
    headers: ['#', 'ID', 'Person', 'Result', 'Code', 'Reason'],
    outcome: { ok: 'done', skipped: 'skipped', failed: 'failed' } as Record<string, string>,
    codes: {
      forbidden: 'you may not do this to this person',
      not_found: 'no such person',
      already_deactivated: 'already deactivated',
      already_suspended: 'already suspended',
      already_active: 'already active',
      last_superadmin: 'the last active superadmin',
      kept_by_hand: 'status set by hand',
      not_eligible: 'not in a status this applies to',
      already_there: 'already in this organization',
      source_owned_field: 'the organization is maintained by a source',
      already_member: 'already a member of the space',
      not_member: 'not a member of the space',
      held: 'invitation held until the address is approved',
      internal_error: 'internal error',
    } as Record<string, string>,
  },
} as const;

/**
 * The per-person report of a job as CSV (UTF-8 with a BOM for Excel), streamed from a cursor:
 * position, person, result, code and the code in words (`GET /bulk-jobs/:id/report`).
 */
export async function bulkJobReport(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  lang: 'ru' | 'en',
): Promise<{ body: Readable; filename: string }> {
  const job = await visibleJob(services, actor, ability, id);
  const words = WORDS[lang];
  const client = await services.pool.connect();
  const rows = client.query(
    new QueryStream(
      `select position, user_id::text, label, outcome, code from bulk_job_item
        where job_id = $1 order by position`,
      [job.id],
      { batchSize: 2000, rowMode: 'array' },
    ),
  );
  const toCells = new Transform({
    objectMode: true,
    transform(row: [number, string, string | null, string | null, string | null], _enc, done) {
      const [position, userId, label, outcome, code] = row;
      done(null, [
        String(position),
        userId,
        neutralizeCell(label ?? ''),
        outcome ? (words.outcome[outcome] ?? outcome) : '',
        code ?? '',
        code ? (words.codes[code] ?? '') : '',
      ]);
    },
  });
  const body = pipeline(
    rows,
    toCells,
    stringify({ bom: true, header: true, columns: [...words.headers] }),
    (error) => client.release(error ?? undefined),
  );
  return { body, filename: `bulk-job-${job.verb}-${job.id.slice(0, 8)}.csv` };
}
