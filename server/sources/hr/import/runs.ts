import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../../shared/errors.ts';
import { presentRun, type RunRow } from '../../runCommands.ts';
import type { RunView } from '../../schemas.ts';
import { HR_IMPORT_SOURCE_ID } from '../source.ts';

/** An import's run (404 if the id is not an import). */
export async function loadImport(em: EntityManager, id: string): Promise<RunView> {
  const [row] = await em.execute<RunRow[]>(
    'select * from sync_run where id = ? and source_id = ?',
    [id, HR_IMPORT_SOURCE_ID],
  );
  if (!row) throw notFound('Import');
  return presentRun(row);
}
