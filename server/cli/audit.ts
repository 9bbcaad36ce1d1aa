import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { type VerifyResult, verifyAuditChain } from '../audit/verify.ts';
import { systemActor } from '../authz/actor.ts';
import { startServices } from '../bootstrap.ts';
import { EXPORT_FORMATS, exportedEvent, streamAuditExport } from '../commands/auditLog/export.ts';
import { verifiedEvent } from '../commands/auditLog/query.ts';
import { runCommand } from '../commands/runCommand.ts';
import { timestamp } from '../shared/schemas.ts';
import type { Services } from '../shared/services.ts';
import type { CliCommand, CliInput } from './types.ts';

/** Exit code of `audit verify` when the chain is broken (distinct from usage 2 and crash 1). */
export const EXIT_CHAIN_BROKEN = 3;

const exportArgs = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('csv'),
    from: timestamp.optional(),
    to: timestamp.optional(),
  })
  .strict();

function describe(result: VerifyResult): string {
  if (result.ok)
    return `audit chain intact: ${result.checked} events checked, head at seq ${result.headSeq}\n`;
  const problem = result.firstProblem;
  return [
    `audit chain BROKEN at event seq ${problem?.seq} (${problem?.problem})`,
    `  ${problem?.detail}`,
    `  ${result.checked} events verified before it; head at seq ${result.headSeq}`,
    '',
  ].join('\n');
}

async function verify(services: Services, { stdout }: CliInput): Promise<number> {
  const result = await verifyAuditChain(services.pool, services.keys.audit);
  await runCommand(services, systemActor('cli'), async ({ audit }) => audit(verifiedEvent(result)));
  stdout.write(describe(result));
  return result.ok ? 0 : EXIT_CHAIN_BROKEN;
}

async function exportLog(services: Services, input: CliInput): Promise<number> {
  const parsed = exportArgs.safeParse({
    format: input.values.format,
    from: input.values.from,
    to: input.values.to,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  --${issue.path.join('.')}: ${issue.message}`,
    );
    process.stderr.write(`audit export: invalid options\n${lines.join('\n')}\n`);
    return 2;
  }
  const { format, ...filters } = parsed.data;
  if (filters.from && filters.to && filters.from > filters.to) {
    process.stderr.write('audit export: --from must not be after --to\n');
    return 2;
  }
  // Recorded (and committed) before the first line is written, as the API does.
  await runCommand(services, systemActor('cli'), async ({ audit }) =>
    audit(exportedEvent(format, filters, 'cli')),
  );
  const stream = await streamAuditExport(services.pool, filters, format);
  await pipeline(stream, input.stdout, { end: false });
  return 0;
}

/**
 * `audit verify`: walks the hash chain, prints the result and exits 0 if intact, 3 if broken
 * (naming the first edited or missing event). `audit export [--format csv|ndjson] [--from ISO]
 * [--to ISO]`: writes the log to stdout in chain order. Both are audited as the `cli` actor.
 */
export const auditCommand: CliCommand = {
  options: {
    format: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  async run(input) {
    const [action] = input.positionals;
    if (action !== 'verify' && action !== 'export') {
      process.stderr.write(
        'Usage: audit verify | audit export [--format csv|ndjson] [--from ISO] [--to ISO]\n',
      );
      return 2;
    }
    const { services, database } = await startServices(input.config, input.logger);
    try {
      return action === 'verify' ? await verify(services, input) : await exportLog(services, input);
    } finally {
      await database.close();
    }
  },
};
