import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { enqueueMail, type MailRequest } from '../../server/mail/enqueue.ts';
import { mailConfigured } from '../../server/mail/status.ts';
import { MailWorker } from '../../server/mail/worker.ts';
import type { Services } from '../../server/shared/services.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { mailConfigFor, startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { MAIL_DELIVERY_MS, SMTP_ANSWER_MS, waitUntil } from '../support/timeouts.ts';

type SignedIn = Awaited<ReturnType<typeof signedIn>>;
let smtp: TestSmtpServer;
let context: TestContext;
let superadmin: SignedIn;
let admin: SignedIn;
let staff: SignedIn;
let auditor: SignedIn;
/** Everything the workers logged (JSON lines), to look for secrets in. */
const logLines: string[] = [];
/** Every API answer of this file, to look for the password in. */
const answers: string[] = [];

function logSink(): Services['logger'] {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  return createLogger('trace', sink);
}

/** A worker of this context that logs into `logLines`; retries come due at once. */
function worker(settings: ConstructorParameters<typeof MailWorker>[1] = {}): MailWorker {
  return new MailWorker(
    { ...context.services, logger: logSink() },
    { pollIntervalMs: 50, baseDelayMs: 1, maxDelayMs: 5, ...settings },
  );
}

async function call<T>(api: ApiClient, method: string, path: string, body?: unknown) {
  const response = await api.request<T>(method, `/api/v1${path}`, { body });
  answers.push(response.text);
  return response;
}

interface MailRow {
  id: string;
  status: string;
  attempts: number;
  subject: string;
  recipient: string;
  template: string;
  body_text: string | null;
  body_html: string | null;
  last_error: string | null;
  smtp_response: string | null;
  smtp_message_id: string | null;
  sent_at: Date | null;
  dead_at: Date | null;
}
async function rowOf(id: string, services: Services = context.services): Promise<MailRow> {
  const { rows } = await services.pool.query<MailRow>('select * from mail_message where id = $1', [
    id,
  ]);
  return rows[0] as MailRow;
}

/** Queues mails in a committed transaction of their own, as a command would. */
async function enqueue(mails: MailRequest[]): Promise<string[]> {
  return context.services.orm.em
    .fork()
    .transactional((em) => enqueueMail(em, context.services.config, mails));
}
const testMail = (to: string, locale: 'ru' | 'en' = 'ru'): MailRequest => ({
  to,
  template: 'test',
  locale,
  params: {},
});
const receivedBy = (to: string) => smtp.received.filter((mail) => mail.to.includes(to));

beforeAll(async () => {
  smtp = await startSmtpServer();
  context = await startTestContext({ mail: mailConfigFor(smtp, SMTP_ANSWER_MS) }, undefined, {
    MAIL_SMTP_PASSWORD: smtp.password,
  });
  superadmin = await signedIn(context, 'superadmin');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  auditor = await signedIn(context, 'auditor');
});
afterAll(async () => {
  await context?.close();
  await smtp?.close();
});

describe('test mail through a real SMTP server', () => {
  it('arrives over STARTTLS with AUTH, a Russian subject and both parts; the row keeps no body', async () => {
    const running = worker();
    await running.start();
    let id = '';
    try {
      const sent = await call<{ id: string; status: string }>(
        superadmin.api,
        'POST',
        '/mail/test',
        { to: 'Checker@Corp.Example.test' },
      );
      expect(sent.status).toBe(202);
      expect(sent.body.status).toBe('queued');
      id = sent.body.id;
      await waitUntil('the test mail is sent', MAIL_DELIVERY_MS, async () => {
        return (await rowOf(id)).status === 'sent';
      });
    } finally {
      await running.stop();
    }
    const [mail, ...more] = receivedBy('checker@corp.example.test');
    expect(more).toHaveLength(0);
    expect(mail?.secure).toBe(true);
    expect(mail?.user).toBe(smtp.user);
    expect(mail?.subject).toBe('Проверка почты — ООО «Ромашка» & Co');
    expect(mail?.text).toContain('Это тестовое письмо');
    expect(mail?.text).toContain('ООО «Ромашка» & Co');
    expect(mail?.text).toContain(context.services.config.http.host);
    // HTML escaped: the company's ampersand never becomes markup.
    expect(mail?.html).toContain('ООО «Ромашка» &amp; Co');
    expect(mail?.html).toContain('<p>Здравствуйте!</p>');
    expect(mail?.from).toBe('noreply@corp.example.test');
    expect(mail?.raw).toContain('<noreply@corp.example.test>');
    expect(mail?.raw).toMatch(/^Reply-To: helpdesk@corp\.example\.test/m);
    const row = await rowOf(id);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      body_text: null,
      body_html: null,
      template: 'test',
      recipient: 'checker@corp.example.test',
      subject: 'Проверка почты — ООО «Ромашка» & Co',
    });
    expect(row.smtp_response).toMatch(/^250 /);
    expect(mail?.messageId).toBe(row.smtp_message_id);
    const { rows: audit } = await context.services.pool.query<{
      outcome: string;
      actor_id: string;
      details: Record<string, unknown>;
    }>("select outcome, actor_id, details from audit_event where action = 'mail.test_sent'");
    expect(audit).toEqual([
      {
        outcome: 'success',
        actor_id: superadmin.user.id,
        details: { recipient: 'checker@corp.example.test', locale: 'ru' },
      },
    ]);
  });

  it('refuses the test send to staff, auditor and admin (audited as denied), and without a session', async () => {
    for (const who of [staff, auditor, admin]) {
      const refused = await call(who.api, 'POST', '/mail/test', { to: 'x@corp.example.test' });
      expect(refused.status).toBe(403);
    }
    const { rows } = await context.services.pool.query<{ actor_id: string }>(
      "select actor_id from audit_event where action = 'mail.test_sent' and outcome = 'denied' order by seq",
    );
    expect(rows.map((row) => row.actor_id)).toEqual([
      staff.user.id,
      auditor.user.id,
      admin.user.id,
    ]);
    const anonymous = await call(new ApiClient(context.baseUrl), 'POST', '/mail/test', {
      to: 'x@corp.example.test',
    });
    expect(anonymous.status).toBe(401);
    const bad = await call(superadmin.api, 'POST', '/mail/test', { to: 'not an address' });
    expect(bad.status).toBe(400);
  });

  it('shows the settings read-only to superadmin and admin, never the password', async () => {
    for (const who of [superadmin, admin]) {
      const settings = await call<Record<string, unknown>>(who.api, 'GET', '/mail/settings');
      expect(settings.status).toBe(200);
      expect(settings.body).toMatchObject({
        configured: true,
        host: '127.0.0.1',
        port: smtp.port,
        security: 'starttls',
        user: smtp.user,
        passwordSet: true,
        customCa: true,
        from: 'noreply@corp.example.test',
        source: 'config',
      });
      expect(settings.body).not.toHaveProperty('password');
    }
    for (const who of [staff, auditor])
      expect((await call(who.api, 'GET', '/mail/settings')).status).toBe(403);
  });

  it('lists the queue without bodies to superadmin, admin and auditor (audited), not to staff', async () => {
    for (const who of [superadmin, admin, auditor]) {
      const list = await call<{ data: Record<string, unknown>[]; total: number }>(
        who.api,
        'GET',
        '/mail/messages?status=sent',
      );
      expect(list.status).toBe(200);
      expect(list.body.total).toBeGreaterThan(0);
      for (const item of list.body.data) {
        expect(item).not.toHaveProperty('bodyText');
        expect(item).not.toHaveProperty('bodyHtml');
        expect(item.status).toBe('sent');
      }
    }
    expect((await call(staff.api, 'GET', '/mail/messages')).status).toBe(403);
    const { rows } = await context.services.pool.query<{ n: number }>(
      "select count(*)::int as n from audit_event where action = 'mail.messages_listed' and outcome = 'success' and actor_id = $1",
      [auditor.user.id],
    );
    expect(rows[0]?.n).toBe(1);
  });
});

describe('the mail queue', () => {
  it('enqueues many mails in one call, in order, and nothing when the transaction rolls back', async () => {
    const ids = await enqueue([
      testMail('a1@corp.example.test'),
      testMail('a2@corp.example.test', 'en'),
    ]);
    expect(ids).toHaveLength(2);
    expect((await rowOf(ids[0] as string)).recipient).toBe('a1@corp.example.test');
    const en = await rowOf(ids[1] as string);
    expect(en).toMatchObject({ status: 'queued', subject: 'Mail check — ООО «Ромашка» & Co' });
    expect(en.body_text).toContain('This is a test mail');
    let rolledBack: string[] = [];
    await expect(
      context.services.orm.em.fork().transactional(async (em) => {
        rolledBack = await enqueueMail(em, context.services.config, [
          testMail('never@corp.example.test'),
        ]);
        throw new Error('the command failed');
      }),
    ).rejects.toThrow('the command failed');
    expect(await rowOf(rolledBack[0] as string)).toBeUndefined();
    const running = worker();
    await running.start();
    await waitUntil('both mails are sent', MAIL_DELIVERY_MS, async () => {
      const rows = await Promise.all(ids.map((id) => rowOf(id)));
      return rows.every((row) => row.status === 'sent');
    });
    await running.stop();
    expect(receivedBy('a2@corp.example.test')[0]?.subject).toBe('Mail check — ООО «Ромашка» & Co');
  });

  it('retries a 4xx answer with backoff and then delivers once', async () => {
    smtp.refuseNext(451, 2);
    const [id] = await enqueue([testMail('retry@corp.example.test')]);
    const running = worker();
    await running.start();
    await waitUntil('the mail is sent after two refusals', MAIL_DELIVERY_MS, async () => {
      return (await rowOf(id as string)).status === 'sent';
    });
    await running.stop();
    const row = await rowOf(id as string);
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
    expect(row.body_text).toBeNull();
    expect(receivedBy('retry@corp.example.test')).toHaveLength(1);
  });

  it('parks a 5xx answer as dead at once, its body cleared', async () => {
    smtp.refuseNext(550);
    const [id] = await enqueue([testMail('dead@corp.example.test')]);
    const running = worker();
    await running.start();
    await waitUntil('the mail is dead', MAIL_DELIVERY_MS, async () => {
      return (await rowOf(id as string)).status === 'dead';
    });
    await running.stop();
    const row = await rowOf(id as string);
    expect(row).toMatchObject({ attempts: 1, body_text: null, body_html: null, sent_at: null });
    expect(row.dead_at).not.toBeNull();
    expect(row.last_error).toContain('550');
    expect(receivedBy('dead@corp.example.test')).toHaveLength(0);
  });

  it('neither loses nor duplicates mails when a worker dies mid-send and another takes over', async () => {
    const gate = smtp.hold();
    const recipients = Array.from({ length: 5 }, (_, i) => `crash${i}@corp.example.test`);
    const ids = await enqueue(recipients.map((to) => testMail(to)));
    // A short claim, so the survivor takes over the dead worker's mails soon.
    const doomed = worker({ lockSeconds: 1, batchSize: 5 });
    await doomed.start();
    await waitUntil('the relay holds a mail in flight', MAIL_DELIVERY_MS, () => gate.held() > 0);
    await doomed.stop({ abandon: true });
    // The relay sees the dead worker's connection go before it could answer the message.
    await waitUntil('the relay sees the cut connection', MAIL_DELIVERY_MS, () => {
      return gate.heldAndCut() === gate.held();
    });
    gate.release();
    const survivor = worker({ lockSeconds: 1 });
    await survivor.start();
    await waitUntil('every mail is sent', MAIL_DELIVERY_MS, async () => {
      const rows = await Promise.all(ids.map((id) => rowOf(id)));
      return rows.every((row) => row.status === 'sent');
    });
    await survivor.stop();
    for (const [index, to] of recipients.entries()) {
      const got = receivedBy(to);
      expect(got, to).toHaveLength(1);
      expect(got[0]?.messageId).toBe((await rowOf(ids[index] as string)).smtp_message_id);
    }
  });

  it('never shows the SMTP password in an API answer, a log line, an audit event, a row or a mail', async () => {
    const { password } = smtp;
    expect(logLines.length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(0);
    for (const text of [...answers, ...logLines]) expect(text).not.toContain(password);
    const { rows: audit } = await context.services.pool.query<{ text: string }>(
      'select row_to_json(e)::text as text from audit_event e',
    );
    for (const row of audit) expect(row.text).not.toContain(password);
    const { rows: mails } = await context.services.pool.query<{ text: string }>(
      'select row_to_json(m)::text as text from mail_message m',
    );
    for (const row of mails) expect(row.text).not.toContain(password);
    for (const mail of smtp.received) expect(mail.raw).not.toContain(password);
    expect(smtp.logins.length).toBeGreaterThan(0);
    expect(smtp.logins.every((login) => login.ok && login.secure)).toBe(true);
  });
});

describe('mail not configured', () => {
  let bare: TestContext;
  let bareSuperadmin: SignedIn;
  beforeAll(async () => {
    bare = await startTestContext();
    bareSuperadmin = await signedIn(bare, 'superadmin');
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('answers the test send with 409 mail_not_configured, and says so in the settings', async () => {
    expect(mailConfigured(bare.services.config)).toBe(false);
    const refused = await call<{ code: string }>(bareSuperadmin.api, 'POST', '/mail/test', {
      to: 'x@corp.example.test',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('mail_not_configured');
    const settings = await call<Record<string, unknown>>(
      bareSuperadmin.api,
      'GET',
      '/mail/settings',
    );
    expect(settings.body).toMatchObject({ configured: false, host: null, passwordSet: false });
  });

  it('records enqueued mails as unconfigured, without their bodies', async () => {
    const [id] = await bare.services.orm.em
      .fork()
      .transactional((em) =>
        enqueueMail(em, bare.services.config, [
          { ...testMail('nobody@corp.example.test'), params: { code: '123456' } },
        ]),
      );
    const row = await rowOf(id as string, bare.services);
    expect(row).toMatchObject({ status: 'unconfigured', body_text: null, body_html: null });
  });
});
