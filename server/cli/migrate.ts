import { startServices } from '../bootstrap.ts';
import type { CliCommand } from './types.ts';

/** `migrate`: applies pending migrations (start-up does this too) and reports them. */
export const migrateCommand: CliCommand = {
  options: {},
  async run({ config, logger, stdout }) {
    // startServices opens the database and applies pending migrations.
    const { database } = await startServices(config, logger);
    const applied = await database.orm.getMigrator().getExecutedMigrations();
    stdout.write(
      `database is at ${applied.at(-1)?.name ?? 'no migration'} (${applied.length} applied)\n`,
    );
    await database.close();
    return 0;
  },
};
