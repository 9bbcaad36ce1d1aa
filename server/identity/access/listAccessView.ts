import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { accessCondition, matchesNothing, type SqlCondition } from '../../authz/sql.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import {
  type AccessRowView,
  type AccessViewFilter,
  type AccessViewName,
  type AccessViewQuery,
  BACKOFFICE_VIEWS,
} from './schemas.ts';
import { viewStatement } from './views.ts';

type Row = Omit<AccessRowView, 'goneFrom'> & { goneFrom?: AccessRowView['goneFrom'] };

/**
 * Checks the caller may read a company view and returns their read rules on people as SQL:
 * people views follow the people list's rules (a scoped admin sees their subtrees only), the
 * back-office views the back-office accounts list's (superadmins and auditors). `null`: nobody
 * is visible.
 */
export function authorizeView(
  em: EntityManager,
  ability: AppAbility,
  view: AccessViewName,
  auditAction: 'access.viewed' | 'access.exported',
): SqlCondition | null {
  const attempt = { auditAction, targetType: 'access_view', targetLabel: view };
  authorize(ability, 'read', 'User', attempt);
  if (BACKOFFICE_VIEWS.has(view)) authorize(ability, 'read', 'BackofficeAccount', attempt);
  const readable = accessCondition(em, ability, 'read', 'User', 'User', 'u.id');
  return matchesNothing(readable) ? null : readable;
}

/** The statement context of a view for this service: the clock and the configured sources. */
export function viewContext(services: Services, readable: SqlCondition) {
  return {
    now: services.now(),
    readable,
    configuredSources: services.config.directorySources.map((source) => source.id),
  };
}

/** A page of a company access view (issue 18, scope 4) and its total, in two statements. */
export function listAccessView(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  view: AccessViewName,
  query: AccessViewQuery,
): Promise<{ data: AccessRowView[]; total: number }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const readable = authorizeView(em, ability, view, 'access.viewed');
      if (!readable) return { data: [], total: 0 };
      const { offset, limit, ...filter } = query;
      const context = viewContext(services, readable);
      const page = viewStatement(view, filter satisfies AccessViewFilter, context, {
        page: { offset, limit },
      });
      const rows = await em.execute<Row[]>(page.sql, page.params);
      const count = viewStatement(view, filter, context, { count: true });
      const [counted] = await em.execute<{ total: number }[]>(count.sql, count.params);
      return {
        data: rows.map((row) => ({ ...row, goneFrom: row.goneFrom ?? [] })),
        total: counted?.total ?? 0,
      };
    },
    ability,
  );
}
