import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailWorker } from '../../server/mail/worker.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { mailConfigFor, startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { MAIL_DELIVERY_MS, SMTP_ANSWER_MS, waitUntil } from '../support/timeouts.ts';
import { startMessenger } from './messengerFlow.ts';

// The whole invitation through a real SMTP server on loopback: invite → the mail arrives → the
// link in it registers the person → the messenger login works → the console says `registered`.
let smtp: TestSmtpServer;
let context: TestContext;
beforeAll(async () => {
  smtp = await startSmtpServer();
  context = await startTestContext(
    {
      mail: mailConfigFor(smtp, SMTP_ANSWER_MS),
      http: { port: 0, publicUrl: 'https://admin.corp.example' },
    },
    undefined,
    { MAIL_SMTP_PASSWORD: smtp.password },
  );
});
afterAll(async () => {
  await context?.close();
  await smtp?.close();
});

describe('an invitation by real mail', () => {
  it('reaches the person only, and its link registers them for the messenger', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, {
      status: 'pending',
      email: `new.hire.${Date.now().toString(36)}@corp.example.test`,
    });
    const worker = new MailWorker(context.services, {
      pollIntervalMs: 50,
      baseDelayMs: 1,
      maxDelayMs: 5,
    });
    await worker.start();
    try {
      const invited = await admin.post<{ status: string }>(
        `/api/v1/users/${person.id}/invitation`,
        {
          locale: 'en',
        },
      );
      expect(invited.status).toBe(200);
      expect(invited.text).not.toContain('register?token');
      await waitUntil('the invitation arrives', MAIL_DELIVERY_MS, () =>
        smtp.received.some((mail) => mail.to.includes(person.email as string)),
      );
    } finally {
      await worker.stop();
    }
    const mail = smtp.received.find((item) => item.to.includes(person.email as string));
    expect(mail?.subject).toContain('invitation');
    const link = mail?.text.match(
      /https:\/\/admin\.corp\.example\/admin\/#\/register\?token=\S+/,
    )?.[0];
    expect(link).toBeDefined();
    // With mail configured the link is never shown to an operator.
    const shown = await admin.post<{ code: string }>(`/api/v1/users/${person.id}/invitation/link`);
    expect(shown.status).toBe(409);
    expect(shown.body.code).toBe('mail_configured');

    const token = new URL((link as string).replace('#/', '')).searchParams.get('token') as string;
    const anonymous = new ApiClient(context.baseUrl);
    expect((await anonymous.post('/api/v1/invitations/open', { token })).status).toBe(200);
    const done = await anonymous.post('/api/v1/invitations/register', {
      token,
      password: 'a long enough passphrase',
    });
    expect(done.status).toBe(200);
    const login = await startMessenger(
      context,
      person.username as string,
      'a long enough passphrase',
    );
    expect(login.body.next).toBe('done');
    const state = await admin.get<{ status: string }>(`/api/v1/users/${person.id}/invitation`);
    expect(state.body.status).toBe('registered');
  });
});
