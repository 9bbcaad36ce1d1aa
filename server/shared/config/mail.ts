import { z } from 'zod';

/**
 * The environment variable the SMTP password is read from. Fixed, like the directory sources'
 * prefix: the configuration file never names a variable, so nobody who can edit it can make the
 * service send another secret of its environment (the master key) to an SMTP server.
 */
export const MAIL_PASSWORD_ENV = 'MAIL_SMTP_PASSWORD';

const address = z.email().max(254);

/** `mail.smtp`: the one SMTP relay the service submits through. */
const smtpSchema = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.coerce.number().int().min(1).max(65535),
    /** `tls`: implicit TLS (port 465); `starttls`: upgrade required (587); `plain`: loopback tests only. */
    security: z.enum(['starttls', 'tls', 'plain']).default('starttls'),
    /** A plain SMTP session sends the password and every code in clear text: only when explicit. */
    allowPlain: z.boolean().default(false),
    /** The SMTP login; the password comes from MAIL_SMTP_PASSWORD (unset: no AUTH). */
    user: z.string().min(1).max(256).nullable().default(null),
    tls: z
      .object({
        /** PEM of the CA that signed the relay's certificate (a private CA); default: the system's. */
        ca: z.string().min(1).nullable().default(null),
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Connections the pooled transport keeps open. */
    maxConnections: z.coerce.number().int().min(1).max(20).default(2),
    /** Connection, greeting and socket timeouts of one SMTP session. */
    timeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000),
  })
  .strict()
  .superRefine((smtp, ctx) => {
    if (smtp.security === 'plain' && !smtp.allowPlain)
      ctx.addIssue({
        code: 'custom',
        path: ['allowPlain'],
        message:
          'plain SMTP sends the password and every one-time code in clear text: use starttls or tls, or set allowPlain (loopback tests only)',
      });
  })
  // Filled from the environment by resolveMailPassword(); never read from a file.
  .transform((value) => ({ ...value, password: null as string | null }));

/**
 * `mail` of the service configuration (docs/mail.md). Settings come only from the file: a
 * superadmin who could re-point SMTP from the console could harvest every code sent
 * (docs/decisions.md, "Mail settings only in the configuration file").
 */
export const mailConfigSchema = z
  .object({
    /** null: mail is not configured; mails are recorded as `unconfigured` and never sent. */
    smtp: smtpSchema.nullable().default(null),
    from: address.nullable().default(null),
    replyTo: address.nullable().default(null),
    /** Filled into every template (the greeting, the signature). */
    companyName: z.string().trim().min(1).max(200).default('Frisbee'),
    delivery: z
      .object({
        /** Run the mail worker in this process (several processes may; they share the work). */
        enabled: z.boolean().default(true),
        /** Fallback poll when no notification arrives (retries due, a lost LISTEN connection). */
        pollIntervalMs: z.coerce.number().int().min(50).default(1000),
        /** A claimed mail is someone else's to send after this long (a crashed worker). */
        lockSeconds: z.coerce.number().int().min(1).default(120),
        /** Mails claimed at once. */
        batchSize: z.coerce.number().int().min(1).max(100).default(10),
        maxAttempts: z.coerce.number().int().min(1).default(8),
        baseDelayMs: z.coerce.number().int().min(1).default(5000),
        maxDelayMs: z.coerce.number().int().min(1).default(3_600_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((mail, ctx) => {
    if (mail.smtp && !mail.from)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'required when mail.smtp is set' });
  });

/** The parsed `mail` section. */
export type MailConfig = z.infer<typeof mailConfigSchema>;

/**
 * Reads the SMTP password from MAIL_SMTP_PASSWORD into the parsed configuration. Returns
 * problems for the operator (a login without a password), empty if none.
 */
export function resolveMailPassword(mail: MailConfig, env: NodeJS.ProcessEnv): string[] {
  if (!mail.smtp?.user) return [];
  const value = env[MAIL_PASSWORD_ENV];
  if (!value) return [`mail.smtp.user is set: ${MAIL_PASSWORD_ENV} must hold its password`];
  mail.smtp.password = value;
  return [];
}
