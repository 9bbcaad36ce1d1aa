import { verifyAuditChain } from '../../server/audit/verify.ts';
import { systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import type { Services } from '../../server/shared/services.ts';
import { secondsSince } from '../support/stats.ts';

/** Throughput of concurrent audit appends. */
export interface AppendResult {
  label: string;
  writers: number;
  events: number;
  seconds: number;
  perSecond: number;
}

/** The whole-chain verification after the appends. */
export interface VerifyTiming {
  ok: boolean;
  checked: number;
  seconds: number;
  problem: string | null;
}

/**
 * `writers` async loops, each calling runCommand with one ctx.audit(...) per command (a real
 * transaction on the ORM pool, the chain head locked from the append until commit) for
 * `seconds`. `asyncCommit` (an experiment, not the product) sets synchronous_commit off in each
 * transaction, to show how much of the locked section the WAL flush at commit is.
 */
export async function measureAppends(
  services: Services,
  targets: readonly { id: string; label: string }[],
  options: { label: string; writers: number; seconds: number; asyncCommit?: boolean },
): Promise<AppendResult> {
  process.stderr.write(`audit appends: ${options.label}…\n`);
  const deadline = performance.now() + options.seconds * 1000;
  const start = performance.now();
  const counts = await Promise.all(
    Array.from({ length: options.writers }, async (_, writer) => {
      const actor = systemActor(`bench-writer-${writer + 1}`);
      let written = 0;
      while (performance.now() < deadline) {
        const target = targets[(writer * 7919 + written) % targets.length];
        await runCommand(services, actor, async (ctx) => {
          if (options.asyncCommit) await ctx.em.execute('set local synchronous_commit = off');
          ctx.audit({
            action: 'user.viewed',
            targetType: 'user',
            targetId: target?.id,
            targetLabel: target?.label,
          });
        });
        written += 1;
      }
      return written;
    }),
  );
  const seconds = secondsSince(start);
  const events = counts.reduce((sum, n) => sum + n, 0);
  return {
    label: options.label,
    writers: options.writers,
    events,
    seconds,
    perSecond: events / seconds,
  };
}

/** verifyAuditChain over the whole chain, timed. */
export async function timeVerify(services: Services): Promise<VerifyTiming> {
  process.stderr.write('verify…\n');
  const start = performance.now();
  const verified = await verifyAuditChain(services.pool, { legacyKey: services.keys.audit });
  return {
    ok: verified.ok,
    checked: verified.checked,
    seconds: secondsSince(start),
    problem: verified.firstProblem?.detail ?? null,
  };
}
