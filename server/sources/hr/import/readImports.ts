import { authorize } from '../../../authz/index.ts';
import type { Actor } from '../../../shared/actor.ts';
import { runCommand } from '../../../shared/command.ts';
import type { Services } from '../../../shared/services.ts';
import { presentRun, type RunRow } from '../../runCommands.ts';
import type { ListRunsQuery, PlanItemView, PlanQuery, RunView } from '../../schemas.ts';
import { HR_IMPORT_SOURCE_ID } from '../source.ts';
import { loadImport } from './runs.ts';

/** A page of imports, newest first (staff and up, auditors). */
export function listImports(
  services: Services,
  actor: Actor,
  query: Pick<ListRunsQuery, 'status' | 'limit' | 'offset'>,
): Promise<{ data: RunView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'Import', { auditAction: 'import.listed', targetType: 'import' });
    const where = ['source_id = ?'];
    const params: unknown[] = [HR_IMPORT_SOURCE_ID];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    const filter = where.join(' and ');
    const rows = await em.execute<RunRow[]>(
      `select * from sync_run where ${filter} order by started_at desc, id limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    const [count] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from sync_run where ${filter}`,
      params,
    );
    return { data: rows.map(presentRun), total: count?.n ?? 0 };
  });
}

/** One import: status, counts, file details and row errors. */
export function getImport(services: Services, actor: Actor, id: string): Promise<RunView> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'Import', {
      auditAction: 'import.viewed',
      targetType: 'import',
      targetId: id,
    });
    return loadImport(em, id);
  });
}

/** A page of an import's plan, as a sync run's plan reads (filter by action, search). */
export function getImportPlan(
  services: Services,
  actor: Actor,
  id: string,
  query: PlanQuery,
): Promise<{ data: PlanItemView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'Import', {
      auditAction: 'import.viewed',
      targetType: 'import',
      targetId: id,
    });
    await loadImport(em, id);
    const where = ['run_id = ?'];
    const params: unknown[] = [id];
    if (query.action) {
      where.push('action = ?');
      params.push(query.action);
    }
    if (query.q) {
      where.push('(label ilike ? or locator ilike ? or external_id = ?)');
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(pattern, pattern, query.q);
    }
    const filter = where.join(' and ');
    const rows = await em.execute<PlanItemView[]>(
      `select seq, action, user_id as "userId", external_id as "externalId", locator, label, diff,
              record, link, reason, blocked, outcome, outcome_reason as "outcomeReason"
         from sync_plan_item where ${filter} order by seq limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    const [count] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from sync_plan_item where ${filter}`,
      params,
    );
    return { data: rows, total: count?.n ?? 0 };
  });
}
