import { z } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import { conflict } from '../shared/errors.ts';
import { email } from '../shared/schemas.ts';
import type { Services } from '../shared/services.ts';
import { enqueueMail } from './enqueue.ts';
import { mailConfigured } from './status.ts';

/** `POST /mail/test` body. */
export const testMailBody = z
  .object({ to: email, locale: z.enum(['ru', 'en']).default('ru') })
  .strict();
/** The parsed body. */
export type TestMailBody = z.infer<typeof testMailBody>;

/** What the test send answers: the queued mail, to follow in the queue view. */
export const testMailResult = z.object({ id: z.string(), status: z.literal('queued') });

/**
 * Queues the test mail (superadmin only), audited as `mail.test_sent` with the recipient. It goes
 * through the same queue and worker as every mail, so it proves the whole path. When mail is not
 * configured it is refused with 409 `mail_not_configured` rather than recorded as never sendable.
 */
export function sendTestMail(
  services: Services,
  actor: Actor,
  body: TestMailBody,
): Promise<z.infer<typeof testMailResult>> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'verify', 'MailSettings', {
      auditAction: 'mail.test_sent',
      targetType: 'MailSettings',
      targetLabel: body.to,
    });
    if (!mailConfigured(services.config))
      throw conflict(
        'mail_not_configured',
        'Mail is not configured: set mail.smtp and mail.from in the configuration file (docs/mail.md)',
      );
    const [id] = await enqueueMail(em, services.config, [
      { to: body.to, template: 'test', locale: body.locale, params: {}, userId: null },
    ]);
    audit({
      action: 'mail.test_sent',
      targetType: 'MailMessage',
      targetId: id,
      targetLabel: body.to,
      details: { recipient: body.to, locale: body.locale },
    });
    return { id: id as string, status: 'queued' as const };
  });
}
