import type { Actor } from '../../../authz/actor.ts';
import { authorize } from '../../../authz/index.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import type { Services } from '../../../shared/services.ts';
import { queryPlan, queryRuns } from '../../runCommands.ts';
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
    return queryRuns(em, { ...query, sourceId: HR_IMPORT_SOURCE_ID });
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
    return queryPlan(em, id, query);
  });
}
