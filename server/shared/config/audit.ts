import { z } from 'zod';

/**
 * `audit` of the service configuration: the signed checkpoints of the audit chain, kept outside
 * the database (docs/audit.md). The signing key is an Ed25519 key of its own, never derived from
 * SECRET_KEY: `privateKey` (PKCS#8 PEM, or base64 DER; env AUDIT_CHECKPOINT_KEY) or, when that is
 * null, the file `keyFile` (default `<dataDir>/audit-checkpoint.key`), created on first use
 * with mode 0600.
 */
export const auditConfigSchema = z
  .object({
    checkpoints: z
      .object({
        /** The directory of checkpoints.jsonl and keyring.jsonl; null: `<dataDir>/audit-checkpoints`. */
        dir: z.string().min(1).nullable().default(null),
        /** A checkpoint at least every this many events... */
        everyEvents: z.coerce.number().int().min(1).default(1000),
        /** ...or this many seconds, whichever comes first (only when there are new events). */
        everySeconds: z.coerce.number().int().min(1).default(60),
        keyFile: z.string().min(1).nullable().default(null),
        privateKey: z.string().min(1).nullable().default(null),
        /** Run the checkpoint writer in this process (one of all processes writes at a time). */
        enabled: z.coerce.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /**
     * How often each process seals audit events that writers committed while another seal held
     * the chain (an uncontended commit seals its own at once); the longest such an event waits.
     */
    sealIntervalMs: z.coerce.number().int().min(10).max(60_000).default(200),
  })
  .strict()
  .prefault({});

export type AuditConfig = z.infer<typeof auditConfigSchema>;
