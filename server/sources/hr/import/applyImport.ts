import type { Actor } from '../../../authz/actor.ts';
import { type AppAbility, authorize } from '../../../authz/index.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import type { Services } from '../../../shared/services.ts';
import { readRun } from '../../runCommands.ts';
import { type StartedRun, startPlannedApply } from '../../runs.ts';
import type { RunView } from '../../schemas.ts';
import { HR_IMPORT_SOURCE_ID, hrSource } from '../source.ts';
import { loadImport } from './runs.ts';

/**
 * Applies an import's preview (staff and up): 409 `not_planned` unless it is a preview waiting
 * to be applied. The engine's thresholds may hold it at `awaiting_approval` (approved through
 * the sync-run approval, admin and up). Audited `import.applied` with the file's name and hash.
 * `wait`: answer once it has applied or stopped to wait.
 */
export async function applyImport(
  services: Services,
  actor: Actor,
  id: string,
  wait = false,
  /** The CLI (the operator at the server's shell) acts with a superadmin's ability. */
  ability?: AppAbility,
): Promise<RunView> {
  const started: StartedRun = await runCommand(
    services,
    actor,
    async ({ em, ability, audit }) => {
      authorize(ability, 'create', 'Import', {
        auditAction: 'import.applied',
        targetType: 'import',
        targetId: id,
      });
      const run = await loadImport(em, id);
      const result = await startPlannedApply(services, hrSource(services, HR_IMPORT_SOURCE_ID), id);
      audit({
        action: 'import.applied',
        targetType: 'import',
        targetId: id,
        targetLabel: String(run.details.fileName ?? ''),
        details: {
          fileName: run.details.fileName ?? null,
          sha256: run.details.sha256 ?? null,
          scope: run.details.scope ?? null,
          counts: run.counts,
        },
      });
      return result;
    },
    ability,
  );
  if (wait) await started.done;
  return readRun(services, id);
}
