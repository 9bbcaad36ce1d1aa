import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import type { CliCommand } from './types.ts';

/** Every operator command; each module owns its arguments and output. */
const commands: Record<string, () => Promise<CliCommand>> = {
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  'create-superadmin': async () => (await import('./createSuperadmin.ts')).createSuperadminCommand,
  audit: async () => (await import('./audit.ts')).auditCommand,
  'seed-demo': async () => (await import('./seedDemo.ts')).seedDemoCommand,
  'core-key': async () => (await import('./coreKey.ts')).coreKeyCommand,
  sync: async () => (await import('./sync.ts')).syncCommand,
  import: async () => (await import('./import.ts')).importCommand,
  'scim-token': async () => (await import('./scimToken.ts')).scimTokenCommand,
  'review-report': async () => (await import('./reviewReport.ts')).reviewReportCommand,
};

function usage(): string {
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    '  migrate                                         apply pending database migrations',
    '  create-superadmin --username U --display-name N create the first superadmin (password on stdin)',
    '  audit verify [--checkpoints DIR] [--public-key KEY] [--siem-copy FILE]',
    '                                                  check the audit chain against the signed checkpoints',
    '                                                  (and what the SIEM receiver stored of the stream)',
    '  audit verify-export FILE --public-key KEY       check an NDJSON export bundle offline (no database)',
    '  audit export [--format csv|ndjson] [--from ISO] [--to ISO]  write the audit log (and its checkpoints) to stdout',
    '  audit checkpoint | checkpoint-key show|rotate | checkpoint-restore --db-head SEQ  signed checkpoints',
    '  audit archive --before YYYY-MM --out FILE      move the months before one to a signed bundle (owner role)',
    '  seed-demo [--people 2000]                       load a realistic demo directory',
    '  core-key generate --name N                      print a new messaging-core API key and its config line',
    '  sync --source ID [--mode full|incremental|dry-run]  run a directory sync and print the run',
    '  import FILE [--scope partial|complete] [--mapping JSON] [--format csv|xlsx] [--apply] [--json]',
    '                                                  plan (and apply) an HR file (CSV / XLSX)',
    '  scim-token create --name N                      print a new SCIM bearer token and its config line',
    '  review-report verify FILE --public-key KEY [--csv FILE]  check a signed access review report offline',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || !commands[name]) {
    process.stderr.write(`${usage()}\n`);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  const command = await (commands[name] as () => Promise<CliCommand>)();
  const parsed = parseArgs({
    args: rest,
    options: command.options,
    allowPositionals: true,
    strict: true,
  });
  const config = loadConfig();
  // Logs go to stderr so that command output on stdout stays machine-readable.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', {
    write: (line: string) => process.stderr.write(line),
  });
  return command.run({
    config,
    logger,
    values: parsed.values,
    positionals: parsed.positionals,
    stdin: process.stdin,
    stdout: process.stdout,
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigError || error instanceof TypeError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
