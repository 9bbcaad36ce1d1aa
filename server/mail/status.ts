import type { Config } from '../shared/config/schema.ts';

/**
 * Whether the service can send mail: an SMTP relay and a sender are configured. Callers decide
 * with it whether a credential may only go by mail (configured) or a link may be shown to an
 * admin as an explicit, audited fallback (not configured; issue 14, scope 2).
 */
export function mailConfigured(config: Pick<Config, 'mail'>): boolean {
  return config.mail.smtp !== null && config.mail.from !== null;
}
