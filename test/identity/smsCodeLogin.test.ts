import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { SmsWorker } from '../../server/sms/worker.ts';
import { coreKey } from '../core/deviceSessions.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type GatewayRequest,
  smsConfigFor,
  startSmsGateway,
  type TestSmsGateway,
} from '../support/smsGateway.ts';
import { HTTP_ANSWER_MS, OUTBOX_DELIVERY_MS, waitUntil } from '../support/timeouts.ts';
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

// The `sms_code` login method against an HTTP receiver on loopback standing in for the SMS
// gateway: it checks every request's signature and records it; codes are read from what it got.
const core = coreKey('core-sms-code-test');
const SENDS_PER_PHONE = 2;
const REQUESTS_PER_IP = 3;
let gateway: TestSmsGateway;
let context: TestContext;
let worker: SmsWorker;
beforeAll(async () => {
  gateway = await startSmsGateway();
  context = await startTestContext(
    {
      sms: smsConfigFor(gateway, HTTP_ANSWER_MS),
      http: { port: 0, trustProxy: true },
      core: { apiKeys: [{ name: core.name, sha256: core.sha256 }] },
      identity: {
        loginCode: { sendsPerDestination: SENDS_PER_PHONE, requestsPerIp: REQUESTS_PER_IP },
      },
    },
    undefined,
    { SMS_GATEWAY_SECRET: gateway.secret },
  );
  worker = new SmsWorker(context.services, {
    pollIntervalMs: 50,
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxAttempts: 4,
  });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await context?.close();
  await gateway?.close();
});

interface Problem {
  code: string;
  status: number;
}

/** A fresh Russian mobile number, E.164. */
const phone = () => `+7999${randomInt(0, 10_000_000).toString().padStart(7, '0')}`;

const to = (number: string): GatewayRequest[] =>
  gateway.delivered().filter((request) => request.body?.to === number);

/** Waits for the `nth` (1-based) accepted SMS to `number` and returns its code. */
async function codeSms(number: string, nth: number): Promise<string> {
  await waitUntil(`SMS #${nth} to ${number}`, OUTBOX_DELIVERY_MS, () => to(number).length >= nth);
  const code = to(number)[nth - 1]?.body?.text?.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the SMS to ${number}`);
  return code;
}

/** An active person with a phone, switched to `sms_code` through the console's API. */
async function smsPerson(): Promise<User> {
  const { api } = await signedIn(context, 'admin');
  const person = await createPerson(context.services, { phone: phone() });
  const switched = await api.put(`/api/v1/users/${person.id}/login-method`, {
    loginMethod: 'sms_code',
  });
  expect(switched.status).toBe(200);
  return person;
}

describe('signing in with a code by SMS', () => {
  it('sends a signed request with the code; the code opens a session the core sees as active', async () => {
    const person = await smsPerson();
    const number = person.phone as string;
    const ip = freshIp();
    const started = await requestCode(context, person.username as string, ip);
    expect(started.status).toBe(200);
    const code = await codeSms(number, 1);
    const request = to(number)[0] as GatewayRequest;
    expect(request.signatureValid).toBe(true);
    expect(request.method).toBe('POST');
    expect(request.headers['x-client']).toBe('frisbee-test');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body?.text).toContain('код входа');

    const done = await verifyCode(context, started.body.challenge, code, ip);
    expect(done.status).toBe(200);
    expect(done.body.next).toBe('done');
    const seen = await introspect(context, core.key, done.body.session?.token as string);
    expect(seen.active).toBe(true);
    expect(seen.sub).toBe(person.id);
    const ok = await auditEvents(context, 'auth.login_succeeded', person.id);
    expect(ok.map((row) => (row.details as { step: string }).step)).toEqual(['sms_code']);

    // The gateway's answer is recorded for delivery tracking; the text (with the code) is gone.
    await waitUntil('the answer is recorded', OUTBOX_DELIVERY_MS, async () => {
      const [row] = await messagesOf(context, 'sms_message', person.id, 'loginCode');
      return row?.status === 'sent';
    });
    const [row] = await messagesOf(context, 'sms_message', person.id, 'loginCode');
    expect(row).toMatchObject({ status: 'sent', gateway_status: 200, attempts: 1, body: null });
    expect(row?.gateway_message_id).toMatch(/^gw-\d+$/);
    expect(String(row?.gateway_response)).toContain('queued');
    expect(request.body?.id).toBe(`sms_${String(row?.id)}`);
    expect(request.headers['webhook-id']).toBe(`sms_${String(row?.id)}`);
  });

  it('refuses wrong, expired and replayed codes with the single answer', async () => {
    const person = await smsPerson();
    const ip = freshIp();
    const first = await requestCode(context, person.username as string, ip);
    const code = await codeSms(person.phone as string, 1);
    const wrong = await verifyCode(context, first.body.challenge, otherCode(code), ip);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    const ttl = context.services.config.identity.loginCode.ttlSeconds;
    context.setNow(new Date(Date.now() + (ttl + 1) * 1000));
    try {
      expect((await verifyCode(context, first.body.challenge, code, ip)).status).toBe(401);
    } finally {
      context.setNow(undefined);
    }
    const second = await requestCode(context, person.username as string, ip);
    const fresh = await codeSms(person.phone as string, 2);
    expect((await verifyCode(context, second.body.challenge, fresh, ip)).status).toBe(200);
    const replay = await verifyCode(context, second.body.challenge, fresh, ip);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_credentials');
    expect(await failureReasons(context, person.id)).toEqual([
      'wrong_code',
      'code_expired',
      'replayed_code',
    ]);
  });

  it('limits codes per phone silently and requests per IP with 429', async () => {
    const person = await smsPerson();
    for (let i = 0; i < SENDS_PER_PHONE + 1; i++)
      expect((await requestCode(context, person.username as string, freshIp())).status).toBe(200);
    expect(await messagesOf(context, 'sms_message', person.id, 'loginCode')).toHaveLength(
      SENDS_PER_PHONE,
    );
    expect(await failureReasons(context, person.id)).toEqual(['rate_limited']);

    const ip = freshIp();
    for (let i = 0; i < REQUESTS_PER_IP; i++)
      expect((await requestCode(context, 'nobody.here', ip)).status).toBe(200);
    const limited = await requestCode(context, person.username as string, ip);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('too_many_attempts');
  });

  it('refuses a deactivated person: no SMS goes out', async () => {
    const person = await createPerson(context.services, { phone: phone() });
    const { api } = await signedIn(context, 'admin');
    await api.put(`/api/v1/users/${person.id}/login-method`, { loginMethod: 'sms_code' });
    await api.post(`/api/v1/users/${person.id}/deactivate`, { reason: 'left the company' });
    const answer = await requestCode(context, person.username as string, freshIp());
    expect(answer.status).toBe(200);
    expect(await messagesOf(context, 'sms_message', person.id, 'loginCode')).toEqual([]);
    expect(await failureReasons(context, person.id)).toEqual(['status_deactivated']);
  });
});

describe('the gateway failing', () => {
  it('retries a 5xx and records every answer until the gateway accepts', async () => {
    const person = await smsPerson();
    gateway.failNext(503, 2);
    await requestCode(context, person.username as string, freshIp());
    await codeSms(person.phone as string, 1);
    await waitUntil('the answer is recorded', OUTBOX_DELIVERY_MS, async () => {
      const [row] = await messagesOf(context, 'sms_message', person.id, 'loginCode');
      return row?.status === 'sent';
    });
    const [row] = await messagesOf(context, 'sms_message', person.id, 'loginCode');
    expect(row).toMatchObject({ status: 'sent', attempts: 3, gateway_status: 200 });
    const tries = gateway.requests.filter((request) => request.body?.to === person.phone);
    expect(tries.map((request) => request.status)).toEqual([503, 503, 200]);
    // Every attempt of one message carries the same webhook-id (the gateway can deduplicate).
    expect(new Set(tries.map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('parks a message the gateway refuses with a 4xx as dead, with its answer', async () => {
    const person = await smsPerson();
    gateway.failNext(400);
    await requestCode(context, person.username as string, freshIp());
    await waitUntil('the refusal is recorded', OUTBOX_DELIVERY_MS, async () => {
      const [row] = await messagesOf(context, 'sms_message', person.id, 'loginCode');
      return row?.status === 'dead';
    });
    const [row] = await messagesOf(context, 'sms_message', person.id, 'loginCode');
    expect(row).toMatchObject({ status: 'dead', attempts: 1, gateway_status: 400, body: null });
    expect(String(row?.last_error)).toContain('HTTP 400');
  });
});

describe('switching and editing the phone', () => {
  it('refuses sms_code without a phone and email_code without mail (409)', async () => {
    const { api } = await signedIn(context, 'admin');
    const noPhone = await createPerson(context.services, { phone: null });
    const refused = await api.put<Problem>(`/api/v1/users/${noPhone.id}/login-method`, {
      loginMethod: 'sms_code',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('no_phone');
    const noMail = await api.put<Problem>(`/api/v1/users/${noPhone.id}/login-method`, {
      loginMethod: 'email_code',
    });
    expect(noMail.status).toBe(409);
    expect(noMail.body.code).toBe('mail_not_configured');
  });

  it('tells the old phone, and holds codes to a phone changed by hand (auth.code_held)', async () => {
    const person = await createPerson(context.services, { phone: phone() });
    const old = person.phone as string;
    const { api: editor } = await signedIn(context, 'admin');
    const card = await editor.get<{ version: number }>(`/api/v1/users/${person.id}`);
    const mine = phone();
    expect(
      (
        await editor.patch(`/api/v1/users/${person.id}`, {
          phone: mine,
          version: card.body.version,
        })
      ).status,
    ).toBe(200);
    await waitUntil('the notice to the old phone', OUTBOX_DELIVERY_MS, () => to(old).length === 1);
    expect(to(old)[0]?.body?.text).toContain('номер телефона');
    await editor.put(`/api/v1/users/${person.id}/login-method`, { loginMethod: 'sms_code' });

    const answer = await requestCode(context, person.username as string, freshIp());
    expect(answer.status).toBe(200);
    expect(await messagesOf(context, 'sms_message', person.id, 'loginCode')).toEqual([]);
    const held = await auditEvents(context, 'auth.code_held', person.id);
    expect(held).toHaveLength(1);
    expect(held[0]?.details).toMatchObject({ channel: 'sms', field: 'phone' });
    expect(to(mine)).toEqual([]);
  });
});
