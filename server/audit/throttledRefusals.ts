import { anonymousActor, type RequestMeta } from '../authz/actor.ts';
import type { Services } from '../shared/services.ts';
import type { AuditAction } from './actions.ts';
import { appendAuditEvents } from './append.ts';

/** Audits refused credentials (API keys, bearer tokens), rate-limited per client IP. */
export interface RefusalAuditor<Reason extends string> {
  /** Audits this refusal unless one from the same IP was audited within the window. */
  record(meta: RequestMeta, reason: Reason): Promise<void>;
}

const WINDOW_MS = 60_000;
// Bounds memory under a flood from many addresses; forgetting only means auditing again.
const MAX_TRACKED_IPS = 10_000;

/**
 * One `action` event per client IP per minute per process, carrying how many refusals from that
 * IP were not audited since the previous event. Per process is enough: the point is that a flood
 * cannot turn into one audit-chain write (and lock) per request, not an exact count.
 * `actorLabel` names the kind of client (`core-client`, `scim-client`).
 */
export function throttledRefusalAuditor<Reason extends string>(
  services: Services,
  action: AuditAction,
  actorLabel: string,
): RefusalAuditor<Reason> {
  const windows = new Map<string, { since: number; suppressed: number }>();
  return {
    async record(meta, reason) {
      const ip = meta.ip ?? 'unknown';
      const now = Date.now();
      const current = windows.get(ip);
      if (current && now - current.since < WINDOW_MS) {
        current.suppressed += 1;
        return;
      }
      if (windows.size >= MAX_TRACKED_IPS) windows.clear();
      windows.set(ip, { since: now, suppressed: 0 });
      try {
        await services.orm.em.fork().transactional((em) =>
          appendAuditEvents(
            em,
            anonymousActor(meta, actorLabel),
            [
              {
                action,
                outcome: 'failure',
                details: { reason, notAuditedSincePrevious: current?.suppressed ?? 0 },
              },
            ],
            services.now(),
          ),
        );
      } catch (error) {
        // The caller is refused either way; a lost audit event must at least be visible.
        services.logger.error({ err: error, ip, action }, 'could not audit a refused credential');
      }
    },
  };
}
