import { z } from 'zod';

/**
 * `invitations`: how long an invitation link works and when its one reminder goes out
 * (docs/invitations.md). Defaults here, so a configuration file without the section is valid.
 */
export const invitationsConfigSchema = z
  .object({
    /** Hours an invitation link works (a resend or the reminder issues a new one). */
    ttlHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72),
    /** Days after the last sending that the one reminder goes out; 0 turns reminders off. */
    remindAfterDays: z.coerce.number().int().min(0).max(90).default(3),
  })
  .strict()
  .prefault({});
