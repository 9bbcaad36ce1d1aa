import { z } from 'zod';
import { secretBytes } from '../webhookSignature.ts';

/**
 * The one environment variable the SMS gateway's signing secret is read from. Fixed, like
 * MAIL_SMTP_PASSWORD: the configuration file never names a variable, so nobody who can edit it
 * can make the service sign with (or send) another secret it holds.
 */
export const SMS_SECRET_ENV = 'SMS_GATEWAY_SECRET';

/** The placeholders a request body template may hold; values are escaped for the content type. */
export const SMS_PLACEHOLDERS = ['phone', 'text', 'id'] as const;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Headers the service sets itself: the file cannot override them (nor forge a signature). */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be a header name');
const headerValue = z
  .string()
  .max(1000)
  .regex(/^[\t\x20-\x7e]*$/, 'must be printable ASCII');

/** Fills a body template: each `{{name}}` with its value, escaped for the content type. */
export function fillSmsTemplate(
  template: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  values: Readonly<Record<(typeof SMS_PLACEHOLDERS)[number], string>>,
): string {
  const escaped =
    contentType === 'application/json'
      ? (value: string) => JSON.stringify(value).slice(1, -1)
      : (value: string) => encodeURIComponent(value);
  return template.replace(/\{\{\s*(phone|text|id)\s*\}\}/g, (_match, name: string) =>
    escaped(values[name as (typeof SMS_PLACEHOLDERS)[number]]),
  );
}

/** `sms.gateway`: one generic HTTP gateway the service posts every SMS to, signed. */
const gatewaySchema = z
  .object({
    /** https; http only to a loopback address and with `allowPlain` (tests). */
    url: z.url(),
    /** A plain-http gateway would carry every code in clear text: only on loopback, only explicitly. */
    allowPlain: z.boolean().default(false),
    method: z.enum(['POST', 'PUT']).default('POST'),
    contentType: z
      .enum(['application/json', 'application/x-www-form-urlencoded'])
      .default('application/json'),
    /** The request body with `{{phone}}` (E.164), `{{text}}` and `{{id}}` (the message's id). */
    body: z
      .string()
      .min(1)
      .max(10_000)
      .default('{"to":"{{phone}}","text":"{{text}}","id":"{{id}}"}'),
    /** Extra request headers (an API client name, an account id); never a secret of the service. */
    headers: z.record(headerName, headerValue).default({}),
    /** A dot path into the gateway's JSON answer holding its message id (e.g. `id`, `data.messageId`). */
    messageIdField: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
      .nullable()
      .default('id'),
    /** How long one request may take (connect to the end of the answer). */
    timeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()
  .superRefine((gateway, ctx) => {
    const url = new URL(gateway.url);
    if (url.protocol === 'http:') {
      if (!gateway.allowPlain || !LOOPBACK.has(url.hostname))
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message:
            'must be https: a plain-http gateway carries every one-time code in clear text (http is allowed only on loopback with allowPlain, for tests)',
        });
    } else if (url.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an https URL' });
    if (url.username || url.password)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must not carry credentials' });
    for (const name of Object.keys(gateway.headers))
      if (RESERVED_HEADERS.has(name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['headers', name],
          message: 'is set by the service itself',
        });
    for (const needed of ['phone', 'text'] as const)
      if (!new RegExp(`\\{\\{\\s*${needed}\\s*\\}\\}`).test(gateway.body))
        ctx.addIssue({ code: 'custom', path: ['body'], message: `must contain {{${needed}}}` });
    if (gateway.contentType === 'application/json') {
      const sample = fillSmsTemplate(gateway.body, gateway.contentType, {
        phone: '+70000000000',
        text: 'a "sample"\ntext',
        id: 'sms_sample',
      });
      try {
        JSON.parse(sample);
      } catch {
        ctx.addIssue({
          code: 'custom',
          path: ['body'],
          message: 'must be JSON once filled in (put placeholders inside strings)',
        });
      }
    }
  })
  // Filled from SMS_GATEWAY_SECRET by resolveSmsSecret(); never read from a file.
  .transform((value) => ({ ...value, secret: '' }));

/**
 * `sms` of the service configuration (docs/sms.md). From the configuration file only, never the
 * API: a superadmin who could re-point the gateway would receive every login code
 * (docs/decisions.md, "The SMS gateway only in the configuration file").
 */
export const smsConfigSchema = z
  .object({
    /** null: SMS is not configured; messages are recorded as `unconfigured` and never sent. */
    gateway: gatewaySchema.nullable().default(null),
    delivery: z
      .object({
        /** Run the SMS worker in this process (several processes may; they share the work). */
        enabled: z.boolean().default(true),
        pollIntervalMs: z.coerce.number().int().min(50).default(1000),
        /** A claimed message is someone else's to send after this long (a crashed worker). */
        lockSeconds: z.coerce.number().int().min(1).default(60),
        batchSize: z.coerce.number().int().min(1).max(100).default(10),
        /** Attempts before a message is `dead`; a code expires sooner anyway (it is then dropped). */
        maxAttempts: z.coerce.number().int().min(1).default(5),
        baseDelayMs: z.coerce.number().int().min(1).default(2000),
        maxDelayMs: z.coerce.number().int().min(1).default(60_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** The parsed `sms` section. */
export type SmsConfig = z.infer<typeof smsConfigSchema>;
/** The parsed `sms.gateway` (with its secret from the environment). */
export type SmsGatewayConfig = NonNullable<SmsConfig['gateway']>;

/**
 * Reads the gateway's signing secret from SMS_GATEWAY_SECRET (`whsec_<base64>` or base64, at
 * least 24 bytes). Returns problems for the operator, empty if none.
 */
export function resolveSmsSecret(sms: SmsConfig, env: NodeJS.ProcessEnv): string[] {
  if (!sms.gateway) return [];
  const value = env[SMS_SECRET_ENV] ?? '';
  if (value === '') return [`sms.gateway is set: ${SMS_SECRET_ENV} must hold its signing secret`];
  if (secretBytes(value).length < 24)
    return [`${SMS_SECRET_ENV} must be whsec_<base64> (or base64) of at least 24 bytes`];
  sms.gateway.secret = value;
  return [];
}
