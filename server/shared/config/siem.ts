import { z } from 'zod';

/** A syslog HOSTNAME / APP-NAME: printable US-ASCII without spaces (RFC 5424 §6, PRINTUSASCII). */
const printUsAscii = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * `siem` of the service configuration (docs/siem.md): where every audit event is streamed, as
 * RFC 5424 syslog over TLS (RFC 5425). From the configuration file only, never the API: whoever
 * could re-point the stream (a superadmin, or a DBA editing a settings row) could divert the copy
 * of the audit log that holds against the database administrator, or stop it unnoticed
 * (docs/decisions.md, "The SIEM stream only in the configuration file").
 */
export const siemConfigSchema = z
  .object({
    /** The receiver's host name or address; null: the stream is not configured. */
    host: z.string().min(1).max(255).nullable().default(null),
    port: z.coerce.number().int().min(1).max(65535).default(6514),
    /** `tls`: RFC 5425, octet-counted frames over TLS (the only transport so far). */
    transport: z.enum(['tls']).default('tls'),
    /** `rfc5424` only so far (CEF is not implemented). */
    format: z.enum(['rfc5424']).default('rfc5424'),
    /** The CA (PEM) the receiver's certificate must chain to; or `caFile`; neither: system CAs. */
    ca: z.string().min(1).nullable().default(null),
    caFile: z.string().min(1).nullable().default(null),
    /** A client certificate and key (PEM files) when the receiver authenticates senders. */
    certFile: z.string().min(1).nullable().default(null),
    keyFile: z.string().min(1).nullable().default(null),
    /** The name checked against the receiver's certificate (default: `host`). */
    serverName: z.string().min(1).max(255).nullable().default(null),
    /** HOSTNAME of every message (default: this machine's host name). */
    hostname: printUsAscii(255).nullable().default(null),
    /** APP-NAME of every message. */
    appName: printUsAscii(48).default('frisbee-backoffice'),
    /**
     * The SD-ID of the structured data element (`name@<private enterprise number>`). 32473 is
     * the example number of RFC 5612: set your company's own.
     */
    sdId: z
      .string()
      .regex(/^[\x21-\x7e]{1,32}$/)
      .refine((id) => !/[=\]" ]/.test(id), 'must not contain =, ], " or a space')
      .default('audit@32473'),
    /** Syslog facility (13: log audit). */
    facility: z.coerce.number().int().min(0).max(23).default(13),
    /** Events per delivery (one TLS connection each; see docs/siem.md). */
    batchSize: z.coerce.number().int().min(1).max(10_000).default(500),
    /**
     * Events before the cursor sent again on the first delivery after a failure: the receiver
     * may have read the tail of the last confirmed delivery without storing it (docs/siem.md).
     */
    resendWindow: z.coerce.number().int().min(0).max(100_000).default(500),
    /** How often the worker looks for new events, and a standby for the leader's lock. */
    pollIntervalMs: z.coerce.number().int().min(10).max(600_000).default(1000),
    /** Connect, handshake, send and the receiver's close, each at most this long. */
    timeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** Wait after a failed delivery, doubled per failure up to `maxRetryDelayMs`. */
    retryDelayMs: z.coerce.number().int().min(10).default(1000),
    maxRetryDelayMs: z.coerce.number().int().min(10).default(60_000),
    /** Run a SIEM worker in this process (one of all processes streams; the others stand by). */
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((siem, ctx) => {
    if (siem.ca && siem.caFile)
      ctx.addIssue({ code: 'custom', path: ['caFile'], message: 'set ca or caFile, not both' });
    if (Boolean(siem.certFile) !== Boolean(siem.keyFile))
      ctx.addIssue({
        code: 'custom',
        path: ['keyFile'],
        message: 'a client certificate needs both certFile and keyFile',
      });
  })
  .prefault({});

/** The parsed `siem` section. */
export type SiemConfig = z.infer<typeof siemConfigSchema>;

/** Whether the SIEM stream is configured (a receiver host is set). */
export function siemConfigured(siem: SiemConfig): boolean {
  return siem.host !== null;
}
