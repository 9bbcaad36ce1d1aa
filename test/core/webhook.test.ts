import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import type { DeliverableEvent } from '../../server/core/connectors/types.ts';
import { createWebhookConnector, webhookFromConfig } from '../../server/core/connectors/webhook.ts';
import type { WebhookConnectorConfig } from '../../server/shared/config/core.ts';
import { signatureHeader, signOne, verifySignature } from '../../server/shared/webhookSignature.ts';
import { HTTP_ANSWER_MS, NEVER_ANSWERS_MS } from '../support/timeouts.ts';
import { type Receiver, startReceiver } from './outboxReceiver.ts';

// The published Standard Webhooks test vector (the reference libraries' tests).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const OLD = `whsec_${Buffer.from('the secret being rotated out, 32B').toString('base64')}`;

describe('Standard Webhooks signatures', () => {
  it('reproduce the specification example exactly', () => {
    expect(signOne(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
    const headers = { id: SPEC.id, timestamp: String(SPEC.timestamp), signature: SPEC.signature };
    expect(verifySignature(SPEC.secret, headers, SPEC.body, SPEC.timestamp)).toBe(true);
  });

  it('carry one signature per live secret, each verifiable alone (rotation)', () => {
    const header = signatureHeader([OLD, SPEC.secret], SPEC.id, SPEC.timestamp, SPEC.body);
    expect(header.split(' ')).toHaveLength(2);
    expect(header.split(' ')[1]).toBe(SPEC.signature);
    const headers = { id: SPEC.id, timestamp: String(SPEC.timestamp), signature: header };
    expect(verifySignature(OLD, headers, SPEC.body, SPEC.timestamp)).toBe(true);
    expect(verifySignature(SPEC.secret, headers, SPEC.body, SPEC.timestamp)).toBe(true);
  });

  it('fail on a changed body, id, or a stale timestamp', () => {
    const headers = { id: SPEC.id, timestamp: String(SPEC.timestamp), signature: SPEC.signature };
    expect(verifySignature(SPEC.secret, headers, '{"test": 1}', SPEC.timestamp)).toBe(false);
    expect(
      verifySignature(SPEC.secret, { ...headers, id: 'msg_other' }, SPEC.body, SPEC.timestamp),
    ).toBe(false);
    expect(verifySignature(SPEC.secret, headers, SPEC.body, SPEC.timestamp + 301)).toBe(false);
  });
});

describe('the webhook connector', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const event: DeliverableEvent = {
    id: '42',
    createdAt: '2026-11-21T10:00:00.000Z',
    type: 'person.deactivated',
    key: 'u-1',
    userId: 'u-1',
    username: 'ivanov',
    coreAccount: 'ivanov',
    reason: 'left',
  };

  it('posts {type, timestamp, data} with webhook-id, -timestamp and a verifiable signature', async () => {
    receiver.answer = () => 200;
    const connector = createWebhookConnector({
      name: 'hook',
      url: receiver.url,
      secrets: [SPEC.secret, OLD],
    });
    await connector.deliver(event);
    const request = receiver.received.at(-1);
    expect(request?.id).toBe('evt_42');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      type: 'person.deactivated',
      timestamp: '2026-11-21T10:00:00.000Z',
      data: {
        key: 'u-1',
        userId: 'u-1',
        username: 'ivanov',
        coreAccount: 'ivanov',
        reason: 'left',
      },
    });
    const headers = {
      id: request?.id ?? '',
      timestamp: request?.timestamp ?? '',
      signature: request?.signature ?? '',
    };
    expect(verifySignature(SPEC.secret, headers, request?.body ?? '')).toBe(true);
    expect(verifySignature(OLD, headers, request?.body ?? '')).toBe(true);
  });

  it('410 is permanent, 500 is retryable, a timeout is retryable', async () => {
    const hook = (timeoutMs: number) =>
      createWebhookConnector({
        name: 'hook',
        url: receiver.url,
        secrets: [SPEC.secret],
        timeoutMs,
      });
    // Answers are waited for generously: a busy machine must not turn a 410 into a timeout.
    const connector = hook(HTTP_ANSWER_MS);
    receiver.answer = () => 410;
    await expect(connector.deliver(event)).rejects.toMatchObject({
      name: 'PermanentDeliveryError',
    });
    receiver.answer = () => 500;
    await expect(connector.deliver(event)).rejects.toThrow('HTTP 500');
    // A receiver that never answers: the connector's own timeout ends the attempt, retryably.
    receiver.answer = () => 'hang';
    await expect(hook(NEVER_ANSWERS_MS).deliver(event)).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});

describe('webhook configuration', () => {
  const base = { DATABASE_URL: 'postgres://x@127.0.0.1/x', SECRET_KEY: 'a'.repeat(44) };
  const connectors = [
    {
      kind: 'webhook',
      name: 'home',
      url: 'http://127.0.0.1:9/hook',
      secrets: ['HOOK_NEW', 'HOOK_OLD'],
    },
  ];

  it('reads the signing secrets from the environment variables it names', () => {
    const config = loadConfig(
      { ...base, HOOK_NEW: SPEC.secret, HOOK_OLD: OLD },
      { core: { connectors } },
    );
    const [hook] = config.core.connectors as WebhookConnectorConfig[];
    expect(hook?.signingSecrets).toEqual([SPEC.secret, OLD]);
    expect(webhookFromConfig(hook as WebhookConnectorConfig).name).toBe('home');
    expect(config.core.delivery).toMatchObject({ enabled: true, maxAttempts: 10 });
  });

  it('refuses a missing or malformed secret', () => {
    expect(() => loadConfig({ ...base, HOOK_NEW: SPEC.secret }, { core: { connectors } })).toThrow(
      ConfigError,
    );
    expect(() =>
      loadConfig({ ...base, HOOK_NEW: 'plain', HOOK_OLD: OLD }, { core: { connectors } }),
    ).toThrow(/HOOK_NEW must be set/);
  });
});
