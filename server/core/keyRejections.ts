import { type RefusalAuditor, throttledRefusalAuditor } from '../audit/throttledRefusals.ts';
import type { Services } from '../shared/services.ts';

/** Why a core API key was refused. */
export type RejectionReason = 'missing' | 'malformed' | 'unknown';

/** Audits refused core API keys, rate-limited per client IP. */
export type KeyRejectionAuditor = RefusalAuditor<RejectionReason>;

/** One `core.key_rejected` event per client IP per minute (see throttledRefusals.ts). */
export function keyRejectionAuditor(services: Services): KeyRejectionAuditor {
  return throttledRefusalAuditor(services, 'core.key_rejected', 'core-client');
}
