import { z } from 'zod';
import { systemActor } from '../authz/actor.ts';
import { startServices } from '../bootstrap.ts';
import { AppError } from '../shared/errors.ts';
import { RUN_MODES } from '../sources/entities.ts';
import { findSource } from '../sources/registry.ts';
import { readRun } from '../sources/runCommands.ts';
import { startRun } from '../sources/runs.ts';
import type { CliCommand } from './types.ts';

const args = z
  .object({
    source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a source id'),
    mode: z.enum(RUN_MODES).default('incremental'),
  })
  .strict();

/** Exit code when the run failed or is waiting for an approval (distinct from usage 2, crash 1). */
export const EXIT_NOT_APPLIED = 3;

/**
 * `sync --source ID [--mode full|incremental|dry-run]`: runs one sync of a source in this
 * process (the per-source lock still keeps it apart from the service's runs), waits for it and
 * prints the run as JSON. Exit 0 when it succeeded or planned (dry run), 3 otherwise.
 */
export const syncCommand: CliCommand = {
  options: { source: { type: 'string' }, mode: { type: 'string' } },
  async run({ config, logger, values, stdout }) {
    const parsed = args.safeParse({ source: values.source, mode: values.mode });
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`);
      process.stderr.write(`sync: invalid options\n${lines.join('\n')}\n`);
      return 2;
    }
    const { services, database } = await startServices(config, logger);
    try {
      const source = await findSource(services, parsed.data.source);
      const started = await startRun(services, source, parsed.data.mode, systemActor('cli'));
      await started.done;
      const run = await readRun(services, started.runId);
      stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      return run.status === 'succeeded' || run.status === 'planned' ? 0 : EXIT_NOT_APPLIED;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      process.stderr.write(`sync: ${error.code}: ${error.message}\n`);
      return EXIT_NOT_APPLIED;
    } finally {
      await database.close();
    }
  },
};
