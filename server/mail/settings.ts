import { z } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import type { Config } from '../shared/config/schema.ts';
import type { Services } from '../shared/services.ts';
import { mailConfigured } from './status.ts';

/**
 * The mail settings as the console shows them: read-only (they come from the configuration
 * file), and never the password, only whether one is set.
 */
export const mailSettingsView = z.object({
  configured: z.boolean(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  security: z.enum(['starttls', 'tls', 'plain']).nullable(),
  user: z.string().nullable(),
  passwordSet: z.boolean(),
  customCa: z.boolean(),
  rejectUnauthorized: z.boolean().nullable(),
  from: z.string().nullable(),
  replyTo: z.string().nullable(),
  companyName: z.string(),
  /** Where the settings come from: always the configuration file (docs/decisions.md). */
  source: z.literal('config'),
});
/** The read-only mail settings. */
export type MailSettingsView = z.infer<typeof mailSettingsView>;

/** Presents `mail` of the configuration without its secret. */
export function presentMailSettings(config: Config): MailSettingsView {
  const { smtp, from, replyTo, companyName } = config.mail;
  return {
    configured: mailConfigured(config),
    host: smtp?.host ?? null,
    port: smtp?.port ?? null,
    security: smtp?.security ?? null,
    user: smtp?.user ?? null,
    passwordSet: Boolean(smtp?.password),
    customCa: Boolean(smtp?.tls.ca),
    rejectUnauthorized: smtp ? smtp.tls.rejectUnauthorized : null,
    from,
    replyTo,
    companyName,
    source: 'config',
  };
}

/** Reads the mail settings (superadmin, admin); no personal data, so a success is not audited. */
export function readMailSettings(services: Services, actor: Actor): Promise<MailSettingsView> {
  return runCommand(services, actor, async ({ ability }) => {
    authorize(ability, 'read', 'MailSettings', {
      auditAction: 'mail.settings_viewed',
      targetType: 'MailSettings',
    });
    return presentMailSettings(services.config);
  });
}
