import type { QBFilterQuery } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { BulkJob } from './entity.ts';
import type { BulkJobView, ListBulkJobsQuery } from './schemas.ts';
import { type BulkJobRow, JOB_NAMES_SQL, presentJob } from './store.ts';

/**
 * The bulk jobs the caller may see, newest first (`GET /bulk-jobs`): their own, or everyone's
 * for a superadmin or an auditor. The CASL read rules become the query's condition, so the list
 * never shows a job that `GET /bulk-jobs/:id` would answer 404 for; a role with no read rule
 * gets an empty page. A read only: not audited (the console polls it while a job runs).
 */
export function listBulkJobs(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  query: ListBulkJobsQuery,
): Promise<{ data: BulkJobView[]; total: number }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const access = accessibleWhere<BulkJob>(ability, 'read', 'BulkJob');
      if (!access) return { data: [], total: 0 };
      const filtered = () => {
        const built = em
          .createQueryBuilder(BulkJob, 'j')
          .where(access as QBFilterQuery<BulkJob>)
          .getKnexQuery();
        if (query.status) built.andWhereRaw('j.status = ?', [query.status]);
        if (query.verb) built.andWhereRaw('j.verb = ?', [query.verb]);
        return built;
      };
      const knex = em.getKnex();
      const page = filtered()
        .clearSelect()
        .select(knex.raw(`j.*, ${JOB_NAMES_SQL}`))
        .orderByRaw('j.created_at desc, j.id desc')
        .limit(query.limit)
        .offset(query.offset);
      const rows = await em.execute<BulkJobRow[]>(page);
      const [counted] = await em.execute<{ total: string | number }[]>(
        filtered().clearSelect().count({ total: '*' }),
      );
      return { data: rows.map(presentJob), total: Number(counted?.total ?? 0) };
    },
    ability,
  );
}
