import { startServices } from '../bootstrap.ts';
import { openRawPool } from '../db/rawPool.ts';
import { generateAuditHistory } from '../demo/auditHistory.ts';
import { seedDemo } from '../demo/command.ts';
import { AppError } from '../shared/errors.ts';
import type { CliCommand } from './types.ts';

function count(value: unknown, name: string, fallback: number, max: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new TypeError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return parsed;
}

/**
 * `seed-demo [--people 2000] [--audit-events 0] [--force]`: loads a realistic demo directory
 * (people with Russian and English names, departments, projects, spaces) and, optionally, a year
 * of audit history (marked `details.demo`). Refuses to run twice unless `--force`.
 */
export const seedDemoCommand: CliCommand = {
  options: {
    people: { type: 'string' },
    'audit-events': { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
  async run({ config, logger, values, stdout }) {
    const people = count(values.people, 'people', 2000, 1_000_000, 1);
    const auditEvents = count(values['audit-events'], 'audit-events', 0, 10_000_000);
    const seed = count(values.seed, 'seed', 20261121, 2 ** 32 - 1);
    const { services, database } = await startServices(config, logger);
    try {
      const started = performance.now();
      const summary = await seedDemo(services, { people, seed, force: values.force === true });
      stdout.write(
        `loaded "${summary.rootName}": ${summary.people} people (${summary.operators} with a back-office role), ` +
          `${summary.organizations} organizations, ${summary.spaces} spaces, ${summary.memberships} memberships ` +
          `in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      if (auditEvents > 0) {
        // The generated history bypasses the chaining trigger: the owner role writes it (the
        // runtime role cannot touch audit_event or audit_chain_head directly).
        const owner = database.ownerUrl ? openRawPool(database.ownerUrl, services.logger, 1) : null;
        const history = await generateAuditHistory(owner ?? services.pool, {
          count: auditEvents,
          seed,
        }).finally(() => owner?.end());
        stdout.write(
          `wrote ${history.count} demo audit events (seq ${history.firstSeq}–${history.lastSeq})\n`,
        );
      }
      return 0;
    } catch (error) {
      if (error instanceof AppError && error.code === 'demo_already_seeded') {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await database.close();
    }
  },
};
