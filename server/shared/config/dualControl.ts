import { z } from 'zod';

/**
 * `dualControl` of the service configuration (issue 18, scope 3): how long a configuration change
 * asked for by one superadmin waits for a second one before it expires (docs/api.md
 * "Configuration changes").
 */
export const dualControlConfigSchema = z
  .object({
    /**
     * False: changes apply at once whatever the number of superadmins (audited `dual control
     * off`). A file setting like the others here: turning it off is itself audited at the next
     * boot (`config.file_changed`).
     */
    enabled: z.coerce.boolean().default(true),
    /** Hours a pending change stays open for approval (default 72 h, at most 30 days). */
    expiryHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
  })
  .strict()
  .prefault({});

export type DualControlConfig = z.infer<typeof dualControlConfigSchema>;
