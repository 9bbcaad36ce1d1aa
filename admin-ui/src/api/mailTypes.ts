/** `GET /mail/settings`: read-only, from the configuration file; never the password. */
export interface MailSettings {
  configured: boolean;
  host: string | null;
  port: number | null;
  security: 'starttls' | 'tls' | 'plain' | null;
  user: string | null;
  passwordSet: boolean;
  customCa: boolean;
  rejectUnauthorized: boolean | null;
  from: string | null;
  replyTo: string | null;
  companyName: string;
  source: 'config';
}

/** Where a queued mail is in its life. */
export type MailStatus = 'queued' | 'sent' | 'dead' | 'unconfigured';

/** One row of `GET /mail/messages` (never a body). */
export interface MailMessageRecord {
  id: string;
  recipient: string;
  template: string;
  locale: 'ru' | 'en';
  subject: string;
  userId: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  smtpResponse: string | null;
  createdAt: string;
  sentAt: string | null;
  deadAt: string | null;
}
