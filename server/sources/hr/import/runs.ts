import type { EntityManager } from '@mikro-orm/postgresql';
import { loadRun } from '../../runCommands.ts';
import type { RunView } from '../../schemas.ts';
import { HR_IMPORT_SOURCE_ID } from '../source.ts';

/** An import's run (404 if the id is not an import). */
export function loadImport(em: EntityManager, id: string): Promise<RunView> {
  return loadRun(em, id, { sourceId: HR_IMPORT_SOURCE_ID, what: 'Import' });
}
