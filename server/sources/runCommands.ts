import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import { conflict, notFound } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import type { RunMode } from './entities.ts';
import { noteSql } from './reconcile/notes.ts';
import { findRunSource, findSource } from './registry.ts';
import { presentRunError, presentSafety } from './runErrors.ts';
import { type StartedRun, startApprovedApply, startRun } from './runs.ts';
import type {
  ListRunsQuery,
  PlanDecisionBody,
  PlanDecisionView,
  PlanItemView,
  PlanQuery,
  RunView,
} from './schemas.ts';

/** A sync_run row as stored. */
export interface RunRow {
  id: string;
  source_id: string;
  mode: RunView['mode'];
  read_mode: string | null;
  status: RunView['status'];
  counts: Record<string, number>;
  cursor_before: Record<string, unknown> | null;
  cursor_after: Record<string, unknown> | null;
  requested_by: string;
  requested_by_id: string | null;
  started_at: Date | string;
  finished_at: Date | string | null;
  duration_ms: number | null;
  error: string | null;
  safety: string | null;
  approved_by_id: string | null;
  approved_at: Date | string | null;
  details: Record<string, unknown>;
}

const iso = (value: Date | string | null) =>
  value === null ? null : new Date(value).toISOString();

/** A sync_run row as the API shows it. */
export function presentRun(row: RunRow): RunView {
  return {
    id: row.id,
    sourceId: row.source_id,
    mode: row.mode,
    readMode: row.read_mode,
    status: row.status,
    counts: row.counts,
    cursorBefore: row.cursor_before,
    cursorAfter: row.cursor_after,
    requestedBy: row.requested_by,
    requestedById: row.requested_by_id,
    startedAt: iso(row.started_at) ?? '',
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms,
    error: row.error,
    ...presentRunError(row.error, row.details),
    safety: row.safety,
    ...presentSafety(row.details),
    approvedById: row.approved_by_id,
    approvedAt: iso(row.approved_at),
    details: row.details ?? {},
  };
}

/** One run by id, of one source if `sourceId` is given; 404 (as `what`) otherwise. */
export async function loadRun(
  em: EntityManager,
  id: string,
  only: { sourceId: string; what: string } | null = null,
): Promise<RunView> {
  const [row] = only
    ? await em.execute<RunRow[]>('select * from sync_run where id = ? and source_id = ?', [
        id,
        only.sourceId,
      ])
    : await em.execute<RunRow[]>('select * from sync_run where id = ?', [id]);
  if (!row) throw notFound(only?.what ?? 'Sync run');
  return presentRun(row);
}

/** A page of runs, newest first, of one source and / or in one status (no authorization). */
export async function queryRuns(
  em: EntityManager,
  query: Pick<ListRunsQuery, 'sourceId' | 'status' | 'limit' | 'offset'>,
): Promise<{ data: RunView[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.sourceId) {
    where.push('source_id = ?');
    params.push(query.sourceId);
  }
  if (query.status) {
    where.push('status = ?');
    params.push(query.status);
  }
  const filter = where.length ? `where ${where.join(' and ')}` : '';
  const rows = await em.execute<RunRow[]>(
    `select * from sync_run ${filter} order by started_at desc, id limit ? offset ?`,
    [...params, query.limit, query.offset],
  );
  const [count] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from sync_run ${filter}`,
    params,
  );
  return { data: rows.map(presentRun), total: count?.n ?? 0 };
}

/** A page of a run's plan in plan order, by action and text search (no authorization). */
export async function queryPlan(
  em: EntityManager,
  runId: string,
  query: PlanQuery,
): Promise<{ data: PlanItemView[]; total: number }> {
  const where = ['p.run_id = ?'];
  const params: unknown[] = [runId];
  if (query.action) {
    where.push('p.action = ?');
    params.push(query.action);
  }
  if (query.q) {
    where.push(`(p.label ilike ? or p.locator ilike ? or p.external_id = ?)`);
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(pattern, pattern, query.q);
  }
  const filter = where.join(' and ');
  const rows = await em.execute<PlanItemView[]>(
    `select p.seq, p.action, p.user_id as "userId", p.external_id as "externalId", p.locator,
            p.label, p.diff, p.record, p.link, p.reason, p.notes, p.blocked,
            -- The two blocks that were codes already need no stored note to be said as one.
            coalesce(p.blocked_note, case p.blocked
              when 'insufficient_rank' then ${noteSql('blocked_insufficient_rank')}
              when 'last_superadmin' then ${noteSql('blocked_last_superadmin')} end) as "blockedNote",
            sync_item_outcome(p) as outcome, p.outcome_reason as "outcomeReason", p.outcome_note as "outcomeNote",
            case when u.id is not null then jsonb_build_object(
              'userId', u.id,
              'label', coalesce(u.username, u.display_name),
              'deactivatedOn', to_char(u.status_changed_at at time zone 'UTC', 'YYYY-MM-DD'))
            end as proposed
       from sync_plan_item p left join app_user u on u.id = p.proposed_user_id
      where ${filter} order by p.seq limit ? offset ?`,
    [...params, query.limit, query.offset],
  );
  const [count] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from sync_plan_item p where ${filter}`,
    params,
  );
  return { data: rows, total: count?.n ?? 0 };
}

/** Reads a run without an actor check (after the caller was authorized). */
export function readRun(services: Services, id: string): Promise<RunView> {
  return loadRun(services.orm.em.fork(), id);
}

/**
 * Starts a run on demand (superadmin, admin): 409 `sync_already_running` while another run of
 * the source is live. Audited with the requester as the actor; the run's outcome is audited
 * with the source as the actor.
 */
export function requestSync(
  services: Services,
  actor: Actor,
  sourceId: string,
  mode: RunMode,
): Promise<StartedRun> {
  return runCommand(services, actor, async ({ ability, audit }) => {
    authorize(ability, 'run', 'DirectorySource', {
      auditAction: 'sync_run.requested',
      targetType: 'directory_source',
      targetId: sourceId,
    });
    const source = await findSource(services, sourceId);
    const started = await startRun(services, source, mode, actor);
    audit({
      action: 'sync_run.requested',
      targetType: 'sync_run',
      targetId: started.runId,
      targetLabel: source.id,
      details: { sourceId, mode },
    });
    return started;
  });
}

/** A page of runs, newest first. */
export function listRuns(
  services: Services,
  actor: Actor,
  query: ListRunsQuery,
): Promise<{ data: RunView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'SyncRun', {
      auditAction: 'sync_run.listed',
      targetType: 'sync_run',
    });
    return queryRuns(em, query);
  });
}

/** One run: status, counts, cursor, errors. */
export function getRun(services: Services, actor: Actor, id: string): Promise<RunView> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'SyncRun', {
      auditAction: 'sync_run.viewed',
      targetType: 'sync_run',
      targetId: id,
    });
    return loadRun(em, id);
  });
}

/** A page of a run's plan, in plan order; filter by action and search by name or locator. */
export function getPlan(
  services: Services,
  actor: Actor,
  id: string,
  query: PlanQuery,
): Promise<{ data: PlanItemView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'SyncRun', {
      auditAction: 'sync_run.viewed',
      targetType: 'sync_run',
      targetId: id,
    });
    await loadRun(em, id);
    return queryPlan(em, id, query);
  });
}

/** Approves a run held by the deactivation threshold (admin and up) and starts its apply. */
export function approveRun(services: Services, actor: Actor, id: string): Promise<StartedRun> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'approve', 'SyncRun', {
      auditAction: 'sync_run.approved',
      targetType: 'sync_run',
      targetId: id,
    });
    const run = await loadRun(em, id);
    if (run.status !== 'awaiting_approval')
      throw conflict('not_awaiting_approval', 'This run is not waiting for an approval');
    const source = await findRunSource(services, run.sourceId);
    const started = await startApprovedApply(services, source, id);
    await em.execute('update sync_run set approved_by_id = ?, approved_at = ? where id = ?', [
      actor.userId,
      services.now(),
      id,
    ]);
    audit({
      action: 'sync_run.approved',
      targetType: 'sync_run',
      targetId: id,
      targetLabel: run.sourceId,
      details: { counts: run.counts, safety: run.safety },
    });
    return started;
  });
}

/**
 * Cancels a run (superadmin, admin): one waiting for approval ends at once; a live one stops at
 * its next page or batch (batches already applied stay applied).
 */
export function cancelRun(services: Services, actor: Actor, id: string): Promise<RunView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'run', 'DirectorySource', {
      auditAction: 'sync_run.cancelled',
      targetType: 'sync_run',
      targetId: id,
    });
    const run = await loadRun(em, id);
    if (run.status === 'awaiting_approval')
      await em.execute(
        `update sync_run set status = 'cancelled', finished_at = ?, cancel_requested_at = ?
          where id = ?`,
        [services.now(), services.now(), id],
      );
    else if (run.status === 'running' || run.status === 'applying')
      await em.execute('update sync_run set cancel_requested_at = ? where id = ?', [
        services.now(),
        id,
      ]);
    else throw conflict('run_finished', 'This run has already finished');
    audit({
      action: 'sync_run.cancelled',
      targetType: 'sync_run',
      targetId: id,
      targetLabel: run.sourceId,
      details: { status: run.status },
    });
    return loadRun(em, id);
  });
}

/**
 * Records an admin's decision on a reconnection proposal (a plan item whose login or email alone
 * matched a person the source deactivated; docs/directory-sync.md, "Reconnection"), audited. It
 * changes nobody now: the source's next run plans it (the plan shows what it does, and the
 * usual safety rules and approval apply). `link`: the entry is reconnected to the proposed
 * person. `ignore`: the entry is left out while the match lasts. `create`: a new person is
 * created for the entry, and the proposed person releases the login and/or e-mail they share
 * with it (reconcile/release.ts); they keep their id, history and messenger account (the core
 * keys accounts by `core_account`, never reused, so the login does not lead there).
 */
export function decidePlanItem(
  services: Services,
  actor: Actor,
  id: string,
  seq: number,
  body: PlanDecisionBody,
): Promise<PlanDecisionView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'approve', 'SyncRun', {
      auditAction: 'sync_run.decided',
      targetType: 'sync_run',
      targetId: id,
    });
    const run = await loadRun(em, id);
    const [item] = await em.execute<
      {
        action: string;
        external_id: string | null;
        proposed_user_id: string | null;
        label: string | null;
      }[]
    >(
      `select action, external_id, proposed_user_id, label from sync_plan_item
        where run_id = ? and seq = ?`,
      [id, seq],
    );
    if (!item) throw notFound('Plan item');
    if (item.action !== 'conflict' || !item.proposed_user_id || !item.external_id)
      throw conflict('no_proposal', 'This plan item proposes no person to reconnect');
    const decision = body.decision;
    // The person must still be the source's and deactivated: a decision on a stale plan would
    // otherwise hand this entry to someone who came back another way since.
    const [person] = await em.execute<{ id: string; label: string }[]>(
      `select id, coalesce(username, display_name, id::text) as label from app_user
        where id = ? and source_id = ? and status = 'deactivated'`,
      [item.proposed_user_id, run.sourceId],
    );
    if (!person)
      throw conflict(
        'proposal_outdated',
        'The proposed person is no longer a deactivated person of this source: run the sync again',
      );
    await em.execute(
      `insert into sync_reconnect_decision
         (source_id, external_id, decision, user_id, run_id, seq, decided_by_id, decided_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (source_id, external_id) do update set decision = excluded.decision,
         user_id = excluded.user_id, run_id = excluded.run_id, seq = excluded.seq,
         decided_by_id = excluded.decided_by_id, decided_at = excluded.decided_at`,
      [run.sourceId, item.external_id, decision, person.id, id, seq, actor.userId, services.now()],
    );
    audit({
      action: 'sync_run.decided',
      targetType: 'sync_run',
      targetId: id,
      targetLabel: run.sourceId,
      details: {
        seq,
        decision,
        externalId: item.external_id,
        entry: item.label,
        userId: person.id,
        person: person.label,
      },
    });
    return {
      runId: id,
      seq,
      sourceId: run.sourceId,
      externalId: item.external_id,
      decision,
      userId: person.id,
    };
  });
}
