import { LockMode } from '@mikro-orm/core';
import { z } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import type { ApplyNote } from '../commands/configChanges/gate.ts';
import { underDualControl } from '../commands/configChanges/gate.ts';
import type { GateOutcome } from '../commands/configChanges/schemas.ts';
import { type CommandContext, runCommand } from '../commands/runCommand.ts';
import { conflict, notFound } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { versionOfRow } from './configChangePayload.ts';
import { DirectorySourceRow } from './entities.ts';
import { fromRow } from './registry.ts';
import { lockSourceInTransaction } from './runs.ts';
import { presentSource } from './schemas.ts';
import { refuseConfigSource } from './sourceCommands.ts';

/** The answer of DELETE /directory-sources/:id: what the deletion did. */
export const sourceDeletedView = z.object({
  id: z.string(),
  name: z.string(),
  /** People the source owned, now managed by hand (status, memberships and history kept). */
  releasedPeople: z.number().int(),
  /** Runs that were waiting for an approval or to be applied, cancelled with the source. */
  cancelledRuns: z.array(z.string()),
});
export type SourceDeletedView = z.infer<typeof sourceDeletedView>;

/** One released person, before and after. */
interface ReleasedRow {
  id: string;
  label: string;
  old_source: string;
  new_source: string;
  external_id: string | null;
}

/**
 * Releases the people of a source to manual management: their source link (source_id and the
 * external id it gives meaning to) is cleared, so their profile becomes editable by hand; a
 * person an HR channel also feeds keeps that link and that channel's kind. Status, the status
 * history (status_source), memberships, login method, sessions and the core account are left as
 * they are: nobody is deactivated or reactivated by a deletion, and the core sees no change.
 */
const RELEASE_SQL = `
with old as (
  select id, source, external_id from app_user where source_id = ? for update
)
update app_user u set
  source = case when u.source <> 'ad' then u.source
                when u.hr_source_id = 'scim' then 'scim'
                when u.hr_source_id = 'hr-import' then 'import'
                else 'manual' end,
  source_id = null,
  external_id = null,
  version = u.version + 1,
  updated_at = ?
from old where u.id = old.id
returning u.id, coalesce(u.username, u.display_name) as label, old.source as old_source,
  u.source as new_source, old.external_id`;

/**
 * Deletes a directory source defined through the API (superadmin; docs/directory-sync.md,
 * "Deleting a source"). Config sources answer 409 `source_defined_in_config`; an enabled source
 * 409 `source_enabled` (disable it first: scheduled runs stop, and the admin has seen the source
 * stop before it goes); a source with a live run 409 `sync_already_running`. In one transaction:
 * the people it owns are released to manual management (one `user.updated` each), runs waiting
 * for an approval or an apply are cancelled, its staging rows, reconnection decisions and
 * recorded entries that matched nobody are removed, and the row goes with its sealed bind
 * password and cursor. Runs, plans and audit events stay readable: runs name their source by id,
 * without a foreign key.
 */
export function deleteDirectorySource(
  services: Services,
  actor: Actor,
  id: string,
): Promise<GateOutcome<SourceDeletedView>> {
  return runCommand(services, actor, async (ctx) => {
    authorizeDelete(ctx, id);
    refuseConfigSource(services, id);
    const row = await ctx.em.findOne(DirectorySourceRow, { id });
    if (!row) throw notFound('Directory source');
    return underDualControl(
      ctx,
      {
        setting: 'directory_source',
        operation: 'delete',
        targetId: id,
        targetLabel: row.name,
        payload: {},
        baseVersion: versionOfRow(row),
      },
      (applyCtx, note) => applyDeleteSource(applyCtx, id, note),
    );
  });
}

function authorizeDelete(ctx: CommandContext, id: string): void {
  authorize(ctx.ability, 'delete', 'DirectorySource', {
    auditAction: 'directory_source.deleted',
    targetType: 'directory_source',
    targetId: id,
  });
}

/**
 * Deletes the source: the code path of `DELETE /directory-sources/:id`, run at once or when a
 * second superadmin approves (sources/configChangeApplier.ts). `note` joins the audit details.
 */
export async function applyDeleteSource(
  ctx: CommandContext,
  id: string,
  note?: ApplyNote,
): Promise<SourceDeletedView> {
  const { em, audit, services } = ctx;
  authorizeDelete(ctx, id);
  refuseConfigSource(services, id);
  // The row lock orders this against a concurrent PATCH (which would otherwise re-enable a
  // source being deleted); the run lock against a run starting now, in any process.
  const row = await em.findOne(
    DirectorySourceRow,
    { id },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!row) throw notFound('Directory source');
  if (row.enabled)
    throw conflict(
      'source_enabled',
      'Disable the source before deleting it (its scheduled runs stop first)',
    );
  const [live] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from sync_run where source_id = ? and status in ('running', 'applying')`,
    [id],
  );
  if (!(await lockSourceInTransaction(em, id)) || (live?.n ?? 0) > 0)
    throw conflict('sync_already_running', 'A sync of this source is running: wait for its end');
  const before = presentSource(fromRow(services, row));
  const now = services.now();
  const cancelled = await em.execute<{ id: string }[]>(
    `update sync_run set status = 'cancelled', finished_at = ?, cancel_requested_at = ?,
         error = 'the source was deleted'
       where source_id = ? and (status = 'awaiting_approval' or (status = 'planned' and mode <> 'dry-run'))
       returning id`,
    [now, now, id],
  );
  // Left by reads that died; a finished run leaves none.
  for (const table of ['sync_staging', 'sync_absence'])
    await em.execute(
      `delete from ${table} where run_id in (select id from sync_run where source_id = ?)`,
      [id],
    );
  for (const table of ['sync_reconnect_decision', 'sync_unmatched_entry'])
    await em.execute(`delete from ${table} where source_id = ?`, [id]);
  const released = await em.execute<ReleasedRow[]>(RELEASE_SQL, [id, now]);
  const hadPassword = row.bindPasswordSealed !== null && row.bindPasswordSealed !== undefined;
  em.remove(row);
  await em.flush();
  const details = { sourceId: id, sourceName: row.name };
  for (const person of released)
    audit({
      action: 'user.updated',
      targetType: 'user',
      targetId: person.id,
      targetLabel: person.label,
      reason: `directory source ${id} was deleted: released to manual management`,
      diff: {
        before: { source: person.old_source, sourceId: id, externalId: person.external_id },
        after: { source: person.new_source, sourceId: null, externalId: null },
      },
      details,
    });
  const cancelledRuns = cancelled.map((run) => run.id);
  audit({
    action: 'directory_source.deleted',
    targetType: 'directory_source',
    targetId: id,
    targetLabel: row.name,
    diff: { before },
    details: {
      ...note,
      releasedPeople: released.length,
      cancelledRuns,
      ...(hadPassword ? { bindPasswordChange: 'cleared' } : {}),
    },
  });
  return { id, name: row.name, releasedPeople: released.length, cancelledRuns };
}
