import { systemActor } from '../authz/actor.ts';
import { runCommand } from '../commands/runCommand.ts';
import { conflict } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import {
  findDemoRoots,
  type SeedDemoOptions,
  type SeedDemoSummary,
  seedDemoDirectory,
} from './seed.ts';

/** Options of the `seed-demo` command. */
export interface SeedDemoCommandOptions extends SeedDemoOptions {
  /** Load another demo directory even though one is there. */
  force?: boolean;
  /** Who runs it, for the audit log (default `cli`). */
  actorLabel?: string;
}

/**
 * Loads a demo directory in one transaction, audited as `demo.seeded`. Refuses (409
 * `demo_already_seeded`) when a demo root exists, unless `force`. Refreshes planner statistics.
 */
export async function seedDemo(
  services: Services,
  options: SeedDemoCommandOptions,
): Promise<SeedDemoSummary> {
  const summary = await runCommand(
    services,
    systemActor(options.actorLabel ?? 'cli'),
    async (ctx) => {
      const existing = await findDemoRoots(ctx.em);
      if (existing.length > 0 && !options.force) {
        throw conflict(
          'demo_already_seeded',
          `A demo directory is already loaded (${existing.map((root) => root.name).join(', ')}); use --force to add another`,
        );
      }
      const result = await seedDemoDirectory(ctx.em, options);
      ctx.audit({
        action: 'demo.seeded',
        targetType: 'organization',
        targetId: result.rootOrganizationId,
        targetLabel: result.rootName,
        details: {
          people: result.people,
          operators: result.operators,
          organizations: result.organizations,
          spaces: result.spaces,
          memberships: result.memberships,
        },
      });
      return result;
    },
  );
  await services.orm.em.fork().execute('analyze app_user, organization, space, space_member');
  return summary;
}
