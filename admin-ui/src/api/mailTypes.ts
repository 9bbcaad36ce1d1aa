import type { ApiResponses } from './generated/openapi';

/** `GET /mail/settings`: read-only, from the configuration file; never the password. */
export type MailSettings = ApiResponses['getMailSettings'];

/** One row of `GET /mail/messages` (never a body). */
export type MailMessageRecord = ApiResponses['listMailMessages']['data'][number];

/** Where a queued mail is in its life. */
export type MailStatus = MailMessageRecord['status'];
