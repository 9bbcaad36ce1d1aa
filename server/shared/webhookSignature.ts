import { createHmac, timingSafeEqual } from 'node:crypto';

// Standard Webhooks signing (https://www.standardwebhooks.com), shared by the core's webhook
// connector (server/core/connectors/webhook.ts) and the SMS gateway (server/sms/gateway.ts): one
// signing scheme, one implementation, in the kernel so that both capabilities can use it.

/** The bytes of a `whsec_<base64>` secret (the prefix is optional, as in the reference libraries). */
export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/**
 * The Standard Webhooks signature of one message with one secret:
 * `v1,` + base64(HMAC-SHA256(secret, "<id>.<timestamp>.<body>")).
 */
export function signOne(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per live secret, space-separated (rotation). */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets.map((secret) => signOne(secret, id, timestamp, body)).join(' ');
}

/**
 * Checks a `webhook-signature` header against a secret, as a receiver does: any of the
 * space-separated `v1,` signatures may match; the timestamp must be within `toleranceSeconds`.
 */
export function verifySignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return false;
  const expected = Buffer.from(signOne(secret, headers.id, timestamp, body));
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
