import { z } from 'zod';
import { namedHashList } from '../namedHashes.ts';
import { auditConfigSchema } from './audit.ts';
import { coreDeliveryConfig } from './core.ts';
import { directorySourcesSchema } from './directorySources.ts';
import { directorySyncConfigSchema, jobsConfigSchema } from './directorySync.ts';
import { dualControlConfigSchema } from './dualControl.ts';
import { elevationConfigSchema } from './elevation.ts';
import { hrConfigSchema } from './hr.ts';
import { invitationsConfigSchema } from './invitations.ts';
import { mailConfigSchema } from './mail.ts';
import { siemConfigSchema } from './siem.ts';
import { smsConfigSchema } from './sms.ts';
import { ssoConfigSchema } from './sso.ts';

/*
 * The shape of the service's configuration, in the kernel's shared folder so that other kernel
 * modules (secrets, services) can name `Config` without importing the loader (server/config.ts),
 * which itself builds on these schemas: no cycle between config.ts and shared/.
 */

/** The schema every loaded configuration is validated with (server/config.ts loads it). */
export const configSchema = z
  .object({
    http: z
      .object({
        host: z.string().min(1),
        port: z.coerce.number().int().min(0).max(65535),
        publicUrl: z.url().nullable(),
        bodyLimitBytes: z.coerce.number().int().positive(),
        trustProxy: z.coerce.boolean(),
        /**
         * Tests: every JSON answer is checked against its route's declared response schema (the
         * OpenAPI document the console's types are generated from); one that is not is a 500.
         */
        checkResponses: z.boolean().default(false),
      })
      .strict(),
    dataDir: z.string().min(1),
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
          .nullable(),
        /** The owner role's URL for migrations (DATABASE_OWNER_URL); null: `url` does both. */
        ownerUrl: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
          .nullable()
          .default(null),
        poolMax: z.coerce.number().int().min(1).max(200),
      })
      .strict(),
    /** Master secret (base64, >= 32 bytes); subkeys for TOTP encryption, audit chain and CSRF derive from it. */
    secretKey: z.string().min(1).nullable().default(null),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) })
      .strict(),
    session: z
      .object({
        idleTimeoutMinutes: z.coerce.number().int().min(1),
        absoluteTimeoutHours: z.coerce.number().int().min(1),
        secureCookies: z.union([z.literal('auto'), z.boolean()]),
      })
      .strict(),
    enrollment: z.object({ linkValidityHours: z.coerce.number().int().min(1) }).strict(),
    /** Invitations by e-mail: link lifetime and reminder (server/shared/config/invitations.ts). */
    invitations: invitationsConfigSchema,
    /** Elevation requests: longest duration, lapse of undecided ones (./elevation.ts). */
    elevation: elevationConfigSchema,
    rateLimit: z
      .object({
        loginFailuresPerAccount: z.coerce.number().int().min(1),
        loginFailuresPerIp: z.coerce.number().int().min(1),
        windowSeconds: z.coerce.number().int().min(1),
      })
      .strict(),
    lists: z
      .object({
        maxLimit: z.coerce.number().int().min(1).max(1000),
        defaultLimit: z.coerce.number().int().min(1),
      })
      .strict(),
    /** Directories people log in against (`ldap` login method) and, later, sync from. */
    directorySources: directorySourcesSchema,
    /** Sync settings of config sources (server/shared/config/directorySync.ts); jobs: pg-boss schedules. */
    directorySync: directorySyncConfigSchema,
    jobs: jobsConfigSchema,
    /** HR feeds: time zone of effective dates, attribute precedence, imports, SCIM tokens. */
    hr: hrConfigSchema,
    identity: z
      .object({
        /** Ask every messenger user for a second factor, not only people with a back-office role. */
        requireSecondFactorForEveryone: z.boolean(),
        messengerSession: z
          .object({
            idleTimeoutDays: z.coerce.number().int().min(1),
            absoluteTimeoutDays: z.coerce.number().int().min(1),
          })
          .strict(),
        lockout: z
          .object({
            failuresBeforeLock: z.coerce.number().int().min(1),
            baseLockSeconds: z.coerce.number().int().min(1),
            maxLockSeconds: z.coerce.number().int().min(1),
            forgetAfterHours: z.coerce.number().int().min(1),
          })
          .strict(),
        /** One-time login codes by e-mail or SMS (`email_code`, `sms_code`; docs/identity.md). */
        loginCode: z
          .object({
            /** How long a code works. */
            ttlSeconds: z.coerce.number().int().min(30).max(3600).default(300),
            /** Wrong guesses one code tolerates; then it is dead and a new one must be asked for. */
            maxAttempts: z.coerce.number().int().min(1).max(20).default(5),
            /** Codes sent to one address (e-mail or phone) per `rateLimit.windowSeconds`. */
            sendsPerDestination: z.coerce.number().int().min(1).default(5),
            /** Code requests from one client IP per `rateLimit.windowSeconds`. */
            requestsPerIp: z.coerce.number().int().min(1).default(30),
          })
          .strict()
          .prefault({}),
      })
      .strict(),
    /** The messaging core's API keys, as SHA-256 hashes (several at once, for rotation). */
    /** ...and the connectors the outbox delivers to (server/shared/config/core.ts). */
    core: z.object({ apiKeys: namedHashList, ...coreDeliveryConfig }).strict(),
    /** Outgoing mail: the SMTP relay, sender, company name, the worker (shared/config/mail.ts). */
    mail: mailConfigSchema.prefault({}),
    /** Corporate SSO (server/shared/config/sso.ts): from the configuration file only. */
    sso: ssoConfigSchema,
    /** The SMS gateway for `sms_code` and phone notices (shared/config/sms.ts): file only. */
    sms: smsConfigSchema,
    /** The audit stream to the company's SIEM (shared/config/siem.ts): file only. */
    siem: siemConfigSchema,
    /** Signed checkpoints of the audit chain (shared/config/audit.ts, docs/audit.md). */
    audit: auditConfigSchema,
    /** Dual control of sensitive settings (issue 18): the expiry of pending changes. */
    dualControl: dualControlConfigSchema,
  })
  .strict();

/** The validated service configuration. */
export type Config = z.infer<typeof configSchema>;

/** A configuration error with a message meant for the operator. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
