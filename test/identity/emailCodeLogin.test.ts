import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { MailWorker } from '../../server/mail/worker.ts';
import { coreKey } from '../core/deviceSessions.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { mailConfigFor, startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { MAIL_DELIVERY_MS, SMTP_ANSWER_MS, waitUntil } from '../support/timeouts.ts';
import {
  failureReasons,
  freshIp,
  introspect,
  messagesOf,
  otherCode,
  requestCode,
  verifyCode,
} from './codeFlow.ts';
import { auditEvents } from './loginFlow.ts';

// The `email_code` login method against a real SMTP server on loopback: codes are read back from
// the mails it received, never from the database.
const core = coreKey('core-email-code-test');
const SENDS_PER_ADDRESS = 3;
const REQUESTS_PER_IP = 4;
const MAX_ATTEMPTS = 3;
let smtp: TestSmtpServer;
let context: TestContext;
let worker: MailWorker;
beforeAll(async () => {
  smtp = await startSmtpServer();
  context = await startTestContext(
    {
      mail: mailConfigFor(smtp, SMTP_ANSWER_MS),
      http: { port: 0, publicUrl: 'https://admin.corp.example', trustProxy: true },
      core: { apiKeys: [{ name: core.name, sha256: core.sha256 }] },
      identity: {
        loginCode: {
          sendsPerDestination: SENDS_PER_ADDRESS,
          requestsPerIp: REQUESTS_PER_IP,
          maxAttempts: MAX_ATTEMPTS,
        },
      },
    },
    undefined,
    { MAIL_SMTP_PASSWORD: smtp.password },
  );
  worker = new MailWorker(context.services, { pollIntervalMs: 50, baseDelayMs: 1, maxDelayMs: 5 });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await context?.close();
  await smtp?.close();
});

interface Problem {
  code: string;
  status: number;
}

let mailbox = 0;
/** A fresh corporate address (the SMTP server keeps every mail of the run). */
const address = () => `code.person.${Date.now().toString(36)}.${++mailbox}@corp.example.test`;

const mailsTo = (to: string, subject: RegExp) =>
  smtp.received.filter((mail) => mail.to.includes(to) && subject.test(mail.subject));

/** Waits for the `nth` (1-based) code mail to `to` and returns its six digits. */
async function codeMail(to: string, nth: number): Promise<string> {
  await waitUntil(
    `code mail #${nth} to ${to}`,
    MAIL_DELIVERY_MS,
    () => mailsTo(to, /код входа|messenger code/).length >= nth,
  );
  const mail = mailsTo(to, /код входа|messenger code/)[nth - 1];
  const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the mail to ${to}`);
  // The HTML part carries the same code, escaped into the layout.
  expect(mail?.html).toContain(code);
  return code;
}

/** An active person switched to `email_code` through the console's API. */
async function codePerson(overrides: Parameters<typeof createPerson>[1] = {}): Promise<User> {
  const { api } = await signedIn(context, 'admin');
  const person = await createPerson(context.services, { email: address(), ...overrides });
  const switched = await api.put(`/api/v1/users/${person.id}/login-method`, {
    loginMethod: 'email_code',
  });
  expect(switched.status).toBe(200);
  return person;
}

describe('signing in with a code by e-mail', () => {
  it('mails a code that opens a device session the core sees as active', async () => {
    const person = await codePerson();
    const email = person.email as string;
    // Switching the method told the person, at their own address.
    await waitUntil(
      'the method-change notice',
      MAIL_DELIVERY_MS,
      () => mailsTo(email, /Способ входа/).length === 1,
    );
    expect(mailsTo(email, /Способ входа/)[0]?.text).toContain('Код на почту');

    const ip = freshIp();
    const started = await requestCode(context, person.username as string, ip, 'en');
    expect(started.status).toBe(200);
    expect(started.body.next).toBe('code');
    expect(started.text).not.toMatch(/\b\d{6}\b/);
    const code = await codeMail(email, 1);
    expect(mailsTo(email, /messenger code/)[0]?.subject).toContain(code);

    const done = await verifyCode(context, started.body.challenge, code, ip);
    expect(done.status).toBe(200);
    expect(done.body.next).toBe('done');
    const token = done.body.session?.token as string;
    const seen = await introspect(context, core.key, token);
    expect(seen.active).toBe(true);
    expect(seen.sub).toBe(person.id);

    const sent = await auditEvents(context, 'auth.code_sent', person.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.details).toMatchObject({ channel: 'email', to: email });
    const ok = await auditEvents(context, 'auth.login_succeeded', person.id);
    expect(ok.map((row) => (row.details as { step: string }).step)).toEqual(['email_code']);
    expect(await auditEvents(context, 'session.created', person.id)).toHaveLength(1);
    // The code never reaches the audit log, and the sent mail's body is gone from the queue.
    const text = JSON.stringify(await auditEvents(context, 'auth.code_sent', person.id));
    expect(text).not.toContain(code);
    const [row] = await messagesOf(context, 'mail_message', person.id, 'loginCode');
    expect(row?.status).toBe('sent');
    expect(row?.body_text).toBeNull();
  });

  it('refuses a wrong code with the single answer, and kills the code after the last attempt', async () => {
    const person = await codePerson();
    const ip = freshIp();
    const started = await requestCode(context, person.username as string, ip);
    const code = await codeMail(person.email as string, 1);
    const wrong = await verifyCode(context, started.body.challenge, otherCode(code), ip);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    // Attempts left: the right code still works.
    const right = await verifyCode(context, started.body.challenge, code, ip);
    expect(right.status).toBe(200);

    const again = await requestCode(context, person.username as string, ip);
    const second = await codeMail(person.email as string, 2);
    for (let i = 0; i < MAX_ATTEMPTS; i++)
      expect((await verifyCode(context, again.body.challenge, otherCode(second), ip)).status).toBe(
        401,
      );
    const dead = await verifyCode(context, again.body.challenge, second, ip);
    expect(dead.status).toBe(401);
    expect(dead.body.code).toBe('invalid_credentials');
    expect(await failureReasons(context, person.id)).toEqual([
      'wrong_code',
      'wrong_code',
      'wrong_code',
      'code_exhausted',
      'code_exhausted',
    ]);
  });

  it('refuses an expired code', async () => {
    const person = await codePerson();
    const ip = freshIp();
    const started = await requestCode(context, person.username as string, ip);
    const code = await codeMail(person.email as string, 1);
    const ttl = context.services.config.identity.loginCode.ttlSeconds;
    context.setNow(new Date(Date.now() + (ttl + 1) * 1000));
    try {
      const late = await verifyCode(context, started.body.challenge, code, ip);
      expect(late.status).toBe(401);
      expect(late.body.code).toBe('invalid_credentials');
    } finally {
      context.setNow(undefined);
    }
    expect(await failureReasons(context, person.id)).toEqual(['code_expired']);
  });

  it('refuses a replayed code, and a code a newer one replaced', async () => {
    const person = await codePerson();
    const ip = freshIp();
    const first = await requestCode(context, person.username as string, ip);
    const firstCode = await codeMail(person.email as string, 1);
    const second = await requestCode(context, person.username as string, ip);
    const secondCode = await codeMail(person.email as string, 2);
    // One live code per person: the first one died with the second request.
    expect((await verifyCode(context, first.body.challenge, firstCode, ip)).status).toBe(401);
    expect((await verifyCode(context, second.body.challenge, secondCode, ip)).status).toBe(200);
    const replay = await verifyCode(context, second.body.challenge, secondCode, ip);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_credentials');
    const reasons = await failureReasons(context, person.id);
    expect(reasons.at(-1)).toBe('replayed_code');
  });
});

describe('no disclosure, limits, refusals', () => {
  it('answers the same for unknown people and other methods, and sends nothing', async () => {
    const ip = freshIp();
    const password = await createPerson(context.services, { email: address() });
    const unknown = await requestCode(context, 'nobody.at.all', ip);
    const other = await requestCode(context, password.username as string, ip);
    for (const answer of [unknown, other]) {
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body).sort()).toEqual(['challenge', 'expiresAt', 'next']);
    }
    expect(await messagesOf(context, 'mail_message', password.id, 'loginCode')).toEqual([]);
    expect(await failureReasons(context, password.id)).toEqual(['wrong_login_method']);
    const check = await verifyCode(context, unknown.body.challenge, '123456', ip);
    expect(check.status).toBe(401);
    expect(check.body.code).toBe('invalid_credentials');
  });

  it('limits requests per IP with 429, whoever the username names', async () => {
    const ip = freshIp();
    const person = await codePerson();
    for (let i = 0; i < REQUESTS_PER_IP; i++)
      expect(
        (await requestCode(context, i % 2 ? 'nobody' : (person.username as string), ip)).status,
      ).toBe(200);
    for (const username of [person.username as string, 'nobody']) {
      const limited = await requestCode(context, username, ip);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('too_many_attempts');
    }
    // Another address is not affected.
    expect((await requestCode(context, 'nobody', freshIp())).status).toBe(200);
  });

  it('limits codes per address silently: the answer stays the same, no more mail goes out', async () => {
    const person = await codePerson();
    for (let i = 0; i < SENDS_PER_ADDRESS + 2; i++)
      expect((await requestCode(context, person.username as string, freshIp())).status).toBe(200);
    expect(await messagesOf(context, 'mail_message', person.id, 'loginCode')).toHaveLength(
      SENDS_PER_ADDRESS,
    );
    const limited = await auditEvents(context, 'auth.login_failed', person.id);
    expect(limited).toHaveLength(2);
    expect(limited[0]?.details).toMatchObject({ reason: 'rate_limited', scope: 'destination' });
  });

  it('refuses a deactivated person, before and after the code was sent', async () => {
    const gone = await codePerson({ status: 'active' });
    const { api: admin } = await signedIn(context, 'admin');
    const ip = freshIp();
    const started = await requestCode(context, gone.username as string, ip);
    const code = await codeMail(gone.email as string, 1);
    const cut = await admin.post(`/api/v1/users/${gone.id}/deactivate`, { reason: 'left' });
    expect(cut.status).toBe(200);
    const refused = await verifyCode(context, started.body.challenge, code, ip);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_credentials');
    const again = await requestCode(context, gone.username as string, ip);
    expect(again.status).toBe(200);
    expect(await messagesOf(context, 'mail_message', gone.id, 'loginCode')).toHaveLength(1);
    expect(await failureReasons(context, gone.id)).toEqual([
      'status_deactivated',
      'status_deactivated',
    ]);
  });

  it('asks a back-office role for the second factor after the code', async () => {
    const staff = await createPerson(context.services, { role: 'staff', email: address() });
    const { api: superadmin } = await signedIn(context, 'superadmin');
    await superadmin.put(`/api/v1/users/${staff.id}/login-method`, { loginMethod: 'email_code' });
    const ip = freshIp();
    const started = await requestCode(context, staff.username as string, ip);
    const code = await codeMail(staff.email as string, 1);
    const next = await verifyCode(context, started.body.challenge, code, ip);
    expect(next.status).toBe(200);
    expect(next.body.next).toBe('totp_enroll');
    expect(next.body.session).toBeUndefined();
  });
});

describe('switching to email_code', () => {
  it('refuses a person without e-mail, and sms_code without a gateway (409)', async () => {
    const { api } = await signedIn(context, 'admin');
    const noMail = await createPerson(context.services, { email: null });
    const refused = await api.put<Problem>(`/api/v1/users/${noMail.id}/login-method`, {
      loginMethod: 'email_code',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('no_email');
    const phone = await createPerson(context.services, { phone: '+79990001122' });
    const noGateway = await api.put<Problem>(`/api/v1/users/${phone.id}/login-method`, {
      loginMethod: 'sms_code',
    });
    expect(noGateway.status).toBe(409);
    expect(noGateway.body.code).toBe('sms_not_configured');
  });
});

describe('an address changed by hand (scope 4)', () => {
  it('notifies the old address, holds codes until a second admin approves, and audits the hold', async () => {
    const person = await createPerson(context.services, { email: address() });
    const old = person.email as string;
    const { api: editor } = await signedIn(context, 'admin');
    const card = await editor.get<{ version: number }>(`/api/v1/users/${person.id}`);
    const mine = address();
    const edited = await editor.patch(`/api/v1/users/${person.id}`, {
      email: mine,
      version: card.body.version,
    });
    expect(edited.status).toBe(200);
    // The old address hears of it, through the real relay.
    await waitUntil(
      'the address-change notice',
      MAIL_DELIVERY_MS,
      () => mailsTo(old, /Адрес почты/).length === 1,
    );
    expect(mailsTo(old, /Адрес почты/)[0]?.text).toContain('c***@corp.example.test');
    const switched = await editor.put(`/api/v1/users/${person.id}/login-method`, {
      loginMethod: 'email_code',
    });
    expect(switched.status).toBe(200);

    const ip = freshIp();
    const held = await requestCode(context, person.username as string, ip);
    expect(held.status).toBe(200);
    expect(Object.keys(held.body).sort()).toEqual(['challenge', 'expiresAt', 'next']);
    expect(await messagesOf(context, 'mail_message', person.id, 'loginCode')).toEqual([]);
    const events = await auditEvents(context, 'auth.code_held', person.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ channel: 'email', field: 'email' });

    const listed = await editor.get<{ held: { field: string }[] }>(
      `/api/v1/users/${person.id}/delivery-address`,
    );
    expect(listed.body.held.map((hold) => hold.field)).toEqual(['email']);
    const self = await editor.post<Problem>(`/api/v1/users/${person.id}/delivery-address/approve`);
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('second_approver_required');
    const { api: second } = await signedIn(context, 'admin');
    const approved = await second.post<{ approved: string[] }>(
      `/api/v1/users/${person.id}/delivery-address/approve`,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.approved).toEqual(['email']);
    expect(await auditEvents(context, 'user.delivery_address_approved', person.id)).toHaveLength(2);

    const sent = await requestCode(context, person.username as string, ip);
    const code = await codeMail(mine, 1);
    expect((await verifyCode(context, sent.body.challenge, code, ip)).status).toBe(200);
  });

  it('releases the hold after 24 hours', async () => {
    const person = await createPerson(context.services, { email: address() });
    const { api: editor } = await signedIn(context, 'admin');
    const card = await editor.get<{ version: number }>(`/api/v1/users/${person.id}`);
    await editor.patch(`/api/v1/users/${person.id}`, {
      email: address(),
      version: card.body.version,
    });
    await editor.put(`/api/v1/users/${person.id}/login-method`, { loginMethod: 'email_code' });
    await requestCode(context, person.username as string, freshIp());
    expect(await messagesOf(context, 'mail_message', person.id, 'loginCode')).toEqual([]);
    context.setNow(new Date(Date.now() + 25 * 3_600_000));
    try {
      await requestCode(context, person.username as string, freshIp());
    } finally {
      context.setNow(undefined);
    }
    expect(await messagesOf(context, 'mail_message', person.id, 'loginCode')).toHaveLength(1);
  });

  it('guards the approval: 401 without a session, 403 for staff (audited), 409 when nothing is held', async () => {
    const person = await createPerson(context.services, { email: address() });
    const path = `/api/v1/users/${person.id}/delivery-address/approve`;
    expect((await new ApiClient(context.baseUrl).post(path)).status).toBe(401);
    const { api: staff } = await signedIn(context, 'staff');
    expect((await staff.post(path)).status).toBe(403);
    const denied = await auditEvents(context, 'user.delivery_address_approved', person.id);
    expect(denied.map((row) => row.outcome)).toEqual(['denied']);
    const { api: admin } = await signedIn(context, 'admin');
    const none = await admin.post<Problem>(path);
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('not_held');
  });
});
