import type { SmsGatewayConfig } from '../shared/config/sms.ts';
import { fillSmsTemplate } from '../shared/config/sms.ts';
import { signOne } from '../shared/webhookSignature.ts';

/** One message as the gateway receives it. */
export interface GatewayMessage {
  /** The message's row id; the request's `webhook-id` is `sms_<id>` (the same on every attempt). */
  id: string;
  to: string;
  text: string;
}

/** The gateway's answer, as recorded on the message (never the request, which holds the text). */
export interface GatewayAnswer {
  /** HTTP status; null when no answer came (timeout, refused connection, TLS failure). */
  status: number | null;
  /** The first characters of the answer's body, or the network error. */
  excerpt: string;
  /** The gateway's own id of the message (`messageIdField` of a JSON answer), if any. */
  messageId: string | null;
  /** Accepted (2xx). */
  ok: boolean;
  /** Will never succeed by retrying: a 4xx other than 408 and 429 (the request itself is wrong). */
  permanent: boolean;
}

const EXCERPT_CHARS = 500;

function pick(json: unknown, path: string): string | null {
  let node: unknown = json;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string' || typeof node === 'number') return String(node).slice(0, 200);
  return null;
}

/**
 * Posts one SMS to the configured gateway: the body template filled in (values escaped for the
 * content type), signed as a Standard Webhook (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`) with SMS_GATEWAY_SECRET,
 * so the gateway can refuse anything the service did not send. Redirects are refused (the
 * signed request must not be replayed to another host). Never throws: every outcome is an answer.
 */
export async function postToGateway(
  gateway: SmsGatewayConfig,
  message: GatewayMessage,
  now: Date,
): Promise<GatewayAnswer> {
  const id = `sms_${message.id}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = fillSmsTemplate(gateway.body, gateway.contentType, {
    phone: message.to,
    text: message.text,
    id,
  });
  try {
    const response = await fetch(gateway.url, {
      method: gateway.method,
      headers: {
        ...gateway.headers,
        'content-type': gateway.contentType,
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signOne(gateway.secret, id, timestamp, body),
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(gateway.timeoutMs),
    });
    const text = await response.text();
    let messageId: string | null = null;
    if (gateway.messageIdField) {
      try {
        messageId = pick(JSON.parse(text) as unknown, gateway.messageIdField);
      } catch {
        // Not JSON: the gateway gives no id; the status is what counts.
      }
    }
    const { status } = response;
    return {
      status,
      excerpt: text.slice(0, EXCERPT_CHARS),
      messageId,
      ok: response.ok,
      permanent: status >= 400 && status < 500 && status !== 408 && status !== 429,
    };
  } catch (error) {
    const failure = error as { name?: string; message?: string; cause?: { code?: string } };
    const reason =
      failure.name === 'TimeoutError'
        ? `timeout after ${gateway.timeoutMs} ms`
        : `${failure.cause?.code ?? failure.name ?? 'error'}: ${failure.message ?? String(error)}`;
    return {
      status: null,
      excerpt: reason.slice(0, EXCERPT_CHARS),
      messageId: null,
      ok: false,
      permanent: false,
    };
  }
}
