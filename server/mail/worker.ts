import { type QueueHandler, type QueueStopOptions, QueueWorker } from '../db/queueWorker.ts';
import type { Services } from '../shared/services.ts';
import { MAIL_CHANNEL } from './enqueue.ts';
import { type ClaimedMail, claimDueMails, markMailFailed, markMailSent } from './store.ts';
import { createMailTransport, type MailTransport, type SmtpAnswer } from './transport.ts';

/** Worker settings (`mail.delivery` of the configuration). */
export type MailDeliverySettings = Services['config']['mail']['delivery'];

/** How `stop` ends the worker (`abandon`: as a crash would, for tests). */
export type MailStopOptions = QueueStopOptions;

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
  message?: string;
}

/**
 * Whether a failure will never go away by retrying this mail: the relay refused it with a 5xx
 * (nodemailer's `permanent`). A refused login (EAUTH) is the service's configuration, not the
 * mail: it is retried, so mails wait for the operator's fix instead of dying.
 */
export function isPermanentFailure(error: unknown): boolean {
  const failure = error as SmtpFailure;
  return failure?.permanent === true && failure.code !== 'EAUTH';
}

/** A short description of a failure for `last_error` and the log (never the message itself). */
function describe(error: unknown): string {
  const failure = error as SmtpFailure;
  const text = failure?.response ?? failure?.message ?? String(error);
  return failure?.code ? `${failure.code}: ${text}` : text;
}

/**
 * Sends queued mails after their transaction committed: a QueueWorker on `NOTIFY mail` over
 * `mail_message`, through a pooled SMTP transport. A 5xx parks the mail at once; a 4xx, a
 * timeout or a refused login is retried with backoff. Delivery is at least once: a worker that
 * dies between the relay's acceptance and recording it leaves the mail to be sent again (with
 * the same Message-ID).
 */
export class MailWorker extends QueueWorker<ClaimedMail, SmtpAnswer> {
  constructor(services: Services, settings: Partial<MailDeliverySettings> = {}) {
    const merged = { ...services.config.mail.delivery, ...settings };
    const transport = createMailTransport(services.config);
    super(services, {
      label: 'mail',
      channel: MAIL_CHANNEL,
      pollIntervalMs: merged.pollIntervalMs,
      retry: merged,
      lanes: [
        {
          capacity: merged.batchSize,
          claim: (limit: number) => claimDueMails(services.pool, limit, merged.lockSeconds),
        },
      ],
      handler: mailHandler(services, transport),
      // Abandoning cuts the connections of mails in flight, as a killed process's would be cut.
      onStopped: (abandoned) => transport.close(abandoned),
    });
  }
}

/** Sends through SMTP; records on the mail's row (markMailSent / markMailFailed). */
function mailHandler(
  { pool, logger }: Services,
  transport: MailTransport,
): QueueHandler<ClaimedMail, SmtpAnswer> {
  return {
    send: (mail) =>
      transport.send({
        id: mail.id,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      }),
    async recordSent(mail, answer) {
      await markMailSent(pool, mail, answer);
      logger.info({ mailId: mail.id, attempt: mail.attempt }, 'mail sent');
    },
    isPermanent: isPermanentFailure,
    async recordFailure(mail, error, { dead, delayMs }) {
      const message = describe(error);
      logger.warn(
        { mailId: mail.id, attempt: mail.attempt, dead },
        `mail delivery failed: ${message}`,
      );
      await markMailFailed(pool, mail, message, dead, delayMs).catch((failure: unknown) =>
        logger.error({ err: failure, mailId: mail.id }, 'could not record a failed mail'),
      );
    },
  };
}

/**
 * Starts this process's mail worker when mail is configured and `mail.delivery.enabled`;
 * returns a stop function (a no-op when nothing started).
 */
export async function startMail(services: Services): Promise<{ stop(): Promise<void> }> {
  const { smtp, from, delivery } = services.config.mail;
  if (!smtp || !from || !delivery.enabled) return { stop: async () => undefined };
  const worker = new MailWorker(services);
  await worker.start();
  return { stop: () => worker.stop() };
}
