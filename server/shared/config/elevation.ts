import { z } from 'zod';

/**
 * `elevation`: time-bound roles a back-office person asks for and a second superadmin approves
 * (issue 18, docs/api.md "Elevation requests"). Defaults here, so a configuration file without
 * the section is valid.
 */
export const elevationConfigSchema = z
  .object({
    /** Longest elevation one may ask for, in minutes (8 hours by default, at most a week). */
    maxDurationMinutes: z.coerce
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(480),
    /** Minutes after which a request nobody decided lapses (a day by default). */
    requestLapseMinutes: z.coerce
      .number()
      .int()
      .min(5)
      .max(30 * 24 * 60)
      .default(1440),
  })
  .strict()
  .prefault({});
