import type { Actor } from '../../../authz/actor.ts';
import { authorize } from '../../../authz/index.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import { conflict } from '../../../shared/errors.ts';
import type { Services } from '../../../shared/services.ts';
import type { RunView } from '../../schemas.ts';
import { loadImport } from './runs.ts';

/**
 * Discards an import's preview (staff and up): the run ends as `cancelled` and can no longer
 * be applied. 409 `not_planned` unless it is a preview. Audited `import.discarded`.
 */
export function discardImport(services: Services, actor: Actor, id: string): Promise<RunView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'create', 'Import', {
      auditAction: 'import.discarded',
      targetType: 'import',
      targetId: id,
    });
    const run = await loadImport(em, id);
    const changed = await em.execute<{ id: string }[]>(
      `update sync_run set status = 'cancelled', cancel_requested_at = ?, error = 'discarded'
        where id = ? and status = 'planned' returning id`,
      [services.now(), id],
    );
    if (changed.length === 0)
      throw conflict('not_planned', 'This import is not a preview waiting to be applied');
    audit({
      action: 'import.discarded',
      targetType: 'import',
      targetId: id,
      targetLabel: String(run.details.fileName ?? ''),
      details: { fileName: run.details.fileName ?? null, sha256: run.details.sha256 ?? null },
    });
    return loadImport(em, id);
  });
}
