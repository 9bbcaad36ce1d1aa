import { z } from 'zod';
import { listMailMessages, mailListQuery, mailMessageView } from '../mail/messages.ts';
import { sendTestMail, testMailBody, testMailResult } from '../mail/sendTestMail.ts';
import { mailSettingsView, readMailSettings } from '../mail/settings.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['mail'];

/** Declares the mail routes: read-only settings, the test mail, the queue (docs/mail.md). */
export function registerMailRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/mail/settings',
      operationId: 'getMailSettings',
      summary: 'The mail settings, read-only (they come from the configuration file)',
      tags,
      response: { description: 'The settings, without the password', schema: mailSettingsView },
    },
    ({ services, auth }) => readMailSettings(services, auth.actor),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/mail/test',
      operationId: 'sendTestMail',
      summary: 'Queue a test mail to an address (superadmin)',
      tags,
      body: testMailBody,
      response: { status: 202, description: 'The queued mail', schema: testMailResult },
      errors: [409],
    },
    ({ services, auth, body }) => sendTestMail(services, auth.actor, body),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/mail/messages',
      operationId: 'listMailMessages',
      summary: 'The mail queue, newest first (no bodies)',
      tags,
      query: mailListQuery(maxLimit, defaultLimit),
      response: {
        description: 'A page of mails',
        schema: z.object({ data: z.array(mailMessageView), total: z.number().int() }),
      },
    },
    ({ services, auth, query }) => listMailMessages(services, auth.actor, query),
  );
}
