import { createTransport } from 'nodemailer';
import type { Config } from '../shared/config/schema.ts';

/** The SMTP server's answer to a mail it accepted. */
export interface SmtpAnswer {
  response: string;
  messageId: string;
}

/** A mail ready for SMTP. */
export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What the worker sends through: one pooled SMTP connection set. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<SmtpAnswer>;
  /** Closes idle connections; `force` also cuts the ones delivering a mail (a crash, in tests). */
  close(force?: boolean): void;
}

/**
 * Builds the pooled nodemailer SMTP transport from `mail` of the configuration (which must have
 * `smtp` and `from`). STARTTLS is required, never opportunistic: a relay that stops offering it
 * fails the attempt instead of receiving the password and the codes in clear text. Nodemailer's
 * own logger stays off: it would write message data, and messages may carry credentials.
 */
export function createMailTransport(config: Config): MailTransport {
  const { smtp, from, replyTo, companyName } = config.mail;
  if (!smtp || !from) throw new Error('mail is not configured (mail.smtp and mail.from)');
  const helo = config.http.publicUrl ? new URL(config.http.publicUrl).hostname : undefined;
  const transporter = createTransport({
    pool: true,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'plain',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    tls: {
      ca: smtp.tls.ca ?? undefined,
      rejectUnauthorized: smtp.tls.rejectUnauthorized,
      minVersion: 'TLSv1.2',
    },
    name: helo,
    maxConnections: smtp.maxConnections,
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    logger: false,
    debug: false,
  });
  const domain = from.slice(from.lastIndexOf('@') + 1);
  return {
    async send(mail) {
      const info = await transporter.sendMail({
        from: { name: companyName, address: from },
        replyTo: replyTo ?? undefined,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // Stable per queued mail: if a worker dies between the relay's "250" and recording it,
        // the mail goes out again with the same Message-ID, which receivers can deduplicate.
        messageId: `<${mail.id}@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
        // Rendered templates only: no attachment or image is ever read from a path or a URL.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { response: info.response, messageId: info.messageId };
    },
    close(force = false) {
      transporter.close({ force });
    },
  };
}
