import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../server/directory/entities.ts';
import { MailWorker } from '../../server/mail/worker.ts';
import { ApiClient } from '../support/api.ts';
import { createDeviceSession, createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  mailConfigFor,
  type ReceivedMail,
  startSmtpServer,
  type TestSmtpServer,
} from '../support/smtp.ts';
import { MAIL_DELIVERY_MS, SMTP_ANSWER_MS, waitUntil } from '../support/timeouts.ts';
import { auditEvents, auditText, backofficePerson, GOOD_PASSWORD } from './loginFlow.ts';
import { deviceClient, startMessenger } from './messengerFlow.ts';

/*
 * A registered person who lost their password, while mail is configured: the operator asks for a
 * reset, the link goes to the person's mailbox only (a real SMTP server on loopback), the person
 * sets a new password through the enrollment API, and only then do their old sessions end.
 */

const PUBLIC_URL = 'https://admin.corp.example';
const NEW_PASSWORD = 'a brand new long passphrase';

interface Sent {
  sentTo: string;
  expiresAt: string;
}
interface Problem {
  code: string;
  status: number;
  heldUntil?: string;
}

let smtp: TestSmtpServer;
let context: TestContext;
let worker: MailWorker;
beforeAll(async () => {
  smtp = await startSmtpServer();
  context = await startTestContext(
    { mail: mailConfigFor(smtp, SMTP_ANSWER_MS), http: { port: 0, publicUrl: PUBLIC_URL } },
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

function reset(api: ApiClient, userId: string, body: Record<string, unknown>) {
  return api.post<Sent & Problem>(`/api/v1/users/${userId}/password-reset`, body);
}

function mailsTo(address: string): ReceivedMail[] {
  return smtp.received.filter((mail) => mail.to.includes(address));
}

async function mailCount(address: string, count: number): Promise<ReceivedMail[]> {
  await waitUntil(`${count} mails to ${address}`, MAIL_DELIVERY_MS, () => {
    return mailsTo(address).length >= count;
  });
  return mailsTo(address);
}

/** The token of the enrollment link in a mail's text part. */
function tokenIn(mail: ReceivedMail | undefined): string {
  const link = mail?.text.match(/https:\/\/admin\.corp\.example\/admin\/#\/enroll\?token=\S+/)?.[0];
  if (!link) throw new Error(`no enrollment link in ${mail?.text}`);
  const token = new URL(link.replace('#/', '')).searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

async function tokensOf(userId: string): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: string }>(
    'select count(*) as n from enrollment_token where user_id = $1',
    [userId],
  );
  return Number(rows[0]?.n);
}

describe('a password reset by mail', () => {
  it('reaches the person only; their sessions end when they set the new password, not before', async () => {
    const { api: admin, user: operator } = await signedIn(context, 'admin');
    const email = 'lost.password@corp.example.test';
    const person = await backofficePerson(context, null, { email });
    const device = await createDeviceSession(context.services, person);
    const phone = deviceClient(context, device.token);
    expect((await phone.get('/api/v1/auth/sessions')).status).toBe(200);

    const first = await reset(admin, person.id, { reason: 'Забыл пароль, звонил в поддержку' });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ sentTo: 'l***@corp.example.test', expiresAt: expect.any(String) });
    const second = await reset(admin, person.id, { reason: 'Письмо не дошло', locale: 'en' });
    expect(second.status).toBe(202);
    const [ruMail, enMail] = await mailCount(email, 2);
    expect(ruMail?.subject).toContain('Сброс пароля');
    expect(ruMail?.text).toContain('обратитесь в службу поддержки');
    expect(enMail?.subject).toContain('Password reset');
    expect(enMail?.text).toContain('contact the helpdesk');
    expect(enMail?.html).toContain('/admin/#/enroll?token=');
    const earlier = tokenIn(ruMail);
    const latest = tokenIn(enMail);

    // Neither the answers nor the audit log carry a token.
    for (const token of [earlier, latest]) {
      for (const answer of [first, second]) {
        expect(answer.text).not.toContain(token);
        expect(answer.text).not.toContain(encodeURIComponent(token));
      }
    }
    const audit = await auditText(context);
    expect(audit).not.toContain(earlier);
    expect(audit).not.toContain(latest);
    const events = await auditEvents(context, 'user.password_reset_sent', person.id);
    expect(events.map((event) => [event.outcome, event.actor_id])).toEqual([
      ['success', operator.id],
      ['success', operator.id],
    ]);
    expect(events[1]?.details).toMatchObject({ to: 'l***@corp.example.test', locale: 'en' });
    expect(events[1]?.details?.linksExpired).toBe(1);
    expect(JSON.stringify(events)).not.toContain(email);

    // Nothing ended yet: the old session and the old password still work.
    expect((await phone.get('/api/v1/auth/sessions')).status).toBe(200);
    const oldLogin = await startMessenger(context, person.username as string, GOOD_PASSWORD);
    expect(oldLogin.body.next).toBe('done');
    const loggedIn = deviceClient(context, oldLogin.body.session?.token as string);

    // The earlier link stopped working when the later one was sent.
    const anonymous = new ApiClient(context.baseUrl);
    const stale = await anonymous.post<Problem>('/api/v1/enrollment', {
      token: earlier,
      password: NEW_PASSWORD,
    });
    expect([stale.status, stale.body.code]).toEqual([410, 'enrollment_link_expired']);

    const done = await anonymous.post('/api/v1/enrollment', {
      token: latest,
      password: NEW_PASSWORD,
    });
    expect(done.status).toBe(204);
    // Now every earlier session ends, and only the new password works.
    expect((await phone.get('/api/v1/auth/sessions')).status).toBe(401);
    expect((await loggedIn.get('/api/v1/auth/sessions')).status).toBe(401);
    const oldPassword = await startMessenger(context, person.username as string, GOOD_PASSWORD);
    expect(oldPassword.status).toBe(401);
    const newLogin = await startMessenger(context, person.username as string, NEW_PASSWORD);
    expect(newLogin.body.next).toBe('done');
    const reused = await anonymous.post<Problem>('/api/v1/enrollment', {
      token: latest,
      password: 'yet another long passphrase',
    });
    expect([reused.status, reused.body.code]).toEqual([410, 'enrollment_link_used']);
  });
});

describe('who may ask for a reset', () => {
  it('refuses without a session, an auditor, staff, and an admin on an equal or higher rank (audited as denied)', async () => {
    const target = await backofficePerson(context, 'admin', {
      email: 'an.admin@corp.example.test',
    });
    const plain = await backofficePerson(context, null, { email: 'plain.one@corp.example.test' });
    const anonymous = new ApiClient(context.baseUrl);
    expect((await reset(anonymous, plain.id, { reason: 'x' })).status).toBe(401);
    const cases = [
      { role: 'auditor', target: plain },
      { role: 'staff', target: plain },
      { role: 'admin', target },
    ] as const;
    for (const { role, target: person } of cases) {
      const { api, user } = await signedIn(context, role);
      const refused = await reset(api, person.id, { reason: 'Забыл пароль' });
      expect([role, refused.status]).toEqual([role, 403]);
      const denied = (await auditEvents(context, 'user.password_reset_sent', person.id)).filter(
        (event) => event.actor_id === user.id,
      );
      expect(denied.map((event) => event.outcome)).toEqual(['denied']);
    }
    const { api: superadmin } = await signedIn(context, 'superadmin');
    expect((await reset(superadmin, target.id, { reason: 'Забыл пароль' })).status).toBe(202);
    expect(await tokensOf(plain.id)).toBe(0);
  });
});

describe('what a reset is refused for', () => {
  it('answers a stable code and issues nothing', async () => {
    const { api: admin } = await signedIn(context, 'admin');
    const em = context.services.orm.em.fork();
    const registered = await backofficePerson(context, null, {
      email: 'has.reason@corp.example.test',
    });
    const deactivated = await backofficePerson(context, null, { status: 'deactivated' });
    const suspended = await backofficePerson(context, null, { status: 'suspended' });
    const directory = await backofficePerson(context, null);
    await em.nativeUpdate(User, { id: directory.id }, { loginMethod: 'ldap' });
    const byCode = await backofficePerson(context, null);
    await em.nativeUpdate(User, { id: byCode.id }, { loginMethod: 'email_code' });
    const noEmail = await backofficePerson(context, null, { email: null });
    const neverRegistered = await createPerson(context.services, { status: 'pending' });
    const cases = [
      [registered, {}, 422, 'reason_required'],
      [registered, { reason: '   ' }, 422, 'reason_required'],
      [deactivated, { reason: 'r' }, 422, 'user_deactivated'],
      [suspended, { reason: 'r' }, 422, 'user_suspended'],
      [directory, { reason: 'r' }, 409, 'login_method_not_password'],
      [byCode, { reason: 'r' }, 409, 'login_method_not_password'],
      [noEmail, { reason: 'r' }, 422, 'no_email'],
      [neverRegistered, { reason: 'r' }, 409, 'not_registered'],
    ] as const;
    for (const [person, body, status, code] of cases) {
      const answer = await reset(admin, person.id, body);
      expect([code, answer.status, answer.body.code]).toEqual([code, status, code]);
      expect(await tokensOf(person.id)).toBe(0);
    }
    const unknown = await reset(admin, '00000000-0000-4000-8000-000000000000', { reason: 'r' });
    expect(unknown.status).toBe(404);
    const stray = await reset(admin, registered.id, { reason: 'r', locale: 'de' });
    expect(stray.status).toBe(400);
  });

  it('holds a reset to an address an admin changed by hand until a second person approves it', async () => {
    const { api: greedy, user: changer } = await signedIn(context, 'admin');
    const person = await backofficePerson(context, null, { email: 'rightful@corp.example.test' });
    const card = await greedy.get<{ version: number }>(`/api/v1/users/${person.id}`);
    const mailbox = 'greedy.private@corp.example.test';
    const edited = await greedy.patch(`/api/v1/users/${person.id}`, {
      email: mailbox,
      version: card.body.version,
    });
    expect(edited.status).toBe(200);
    const held = await reset(greedy, person.id, { reason: 'Забыл пароль' });
    expect([held.status, held.body.code]).toEqual([409, 'address_held']);
    expect(held.body.heldUntil).toEqual(expect.any(String));
    expect(await tokensOf(person.id)).toBe(0);
    const [event] = await auditEvents(context, 'user.password_reset_held', person.id);
    expect(event?.actor_id).toBe(changer.id);
    expect(event?.details).toMatchObject({ to: 'g***@corp.example.test', changedById: changer.id });

    const { api: second } = await signedIn(context, 'admin');
    const approved = await second.post(`/api/v1/users/${person.id}/delivery-address/approve`);
    expect(approved.status).toBe(200);
    const sent = await reset(greedy, person.id, { reason: 'Забыл пароль' });
    expect([sent.status, sent.body.sentTo]).toEqual([202, 'g***@corp.example.test']);
    await mailCount(mailbox, 1);
  });
});

describe('without mail', () => {
  let bare: TestContext;
  beforeAll(async () => {
    bare = await startTestContext({ http: { port: 0, publicUrl: PUBLIC_URL } });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('answers 409 mail_not_configured: the enrollment link is the way then', async () => {
    const { api: admin } = await signedIn(bare, 'admin');
    const person = await backofficePerson(bare, null, { email: 'no.mail@corp.example.test' });
    const answer = await reset(admin, person.id, { reason: 'Забыл пароль' });
    expect([answer.status, answer.body.code]).toEqual([409, 'mail_not_configured']);
    const link = await admin.post<{ url: string }>(`/api/v1/users/${person.id}/enrollment-link`, {
      reason: 'Забыл пароль',
    });
    expect(link.status).toBe(201);
  });
});
