import type { WebhookConnectorConfig } from '../../shared/config/core.ts';
import { signatureHeader } from '../../shared/webhookSignature.ts';
import { type CoreConnector, type DeliverableEvent, PermanentDeliveryError } from './types.ts';

/** What a webhook connector needs: where to post, the live secrets, how long to wait. */
export interface WebhookOptions {
  name: string;
  url: string;
  /** `whsec_<base64>` secrets; each signs every message (several while rotating). */
  secrets: readonly string[];
  timeoutMs?: number;
  /** The clock for `webhook-timestamp` (tests replace it). */
  now?: () => Date;
}

/** The JSON body of a webhook: the event's type, its data, and when the change was committed. */
export interface WebhookBody {
  type: DeliverableEvent['type'];
  timestamp: string;
  data: Omit<DeliverableEvent, 'type' | 'id' | 'createdAt'>;
}

/** Builds the body of an event (the outbox id travels in `webhook-id`, not in the body). */
export function webhookBody(event: DeliverableEvent): WebhookBody {
  const { id: _id, createdAt, type, ...data } = event;
  return { type, timestamp: createdAt, data };
}

/**
 * A Standard Webhooks connector. Every attempt of an event carries the same `webhook-id`
 * (`evt_<outbox id>`), so a receiver deduplicates redeliveries by it; the timestamp and signature
 * are fresh per attempt. 2xx = delivered; 410 = the endpoint is gone (dead at once, no retries);
 * anything else, a timeout or a network error = retry with backoff.
 */
export function createWebhookConnector(options: WebhookOptions): CoreConnector {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  if (options.secrets.length === 0) throw new Error(`webhook ${options.name}: no secret`);
  return {
    name: options.name,
    async deliver(event) {
      const id = `evt_${event.id}`;
      const timestamp = Math.floor(now().getTime() / 1000);
      const body = JSON.stringify(webhookBody(event));
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(options.secrets, id, timestamp, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Read (and bound) the answer so the connection is reused; only the status matters.
      const text = (await response.text()).slice(0, 200);
      if (response.ok) return;
      const message = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
      if (response.status === 410) throw new PermanentDeliveryError(message);
      throw new Error(message);
    },
  };
}

/** The webhook connector described by a configuration entry. */
export function webhookFromConfig(config: WebhookConnectorConfig): CoreConnector {
  return createWebhookConnector({
    name: config.name,
    url: config.url,
    secrets: config.signingSecrets,
    timeoutMs: config.timeoutMs,
  });
}
