import { z } from 'zod';
import { namedHashList } from '../namedHashes.ts';
import { precedenceSchema } from '../precedence.ts';
import { thresholdsSchema } from './directorySync.ts';

/** An IANA time zone name this runtime knows (Europe/Moscow, Asia/Yekaterinburg, UTC...). */
const timeZone = z
  .string()
  .trim()
  .refine((name) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone name such as Europe/Moscow');

/*
 * `hr` in the configuration: the company's time zone (for effective dates), which source wins
 * each attribute, import settings and SCIM tokens from the configuration.
 */
const hrConfigObject = z
  .object({
    /** Termination dates end, and start dates begin, at midnight in this zone. */
    timeZone: timeZone.default('Europe/Moscow'),
    precedence: precedenceSchema,
    import: z
      .object({
        /** Largest file accepted, in bytes. */
        maxFileBytes: z.coerce
          .number()
          .int()
          .min(1_024)
          .max(512 * 1_048_576)
          .default(50 * 1_048_576),
        /**
         * Largest XLSX content read, in bytes once inflated (the parts read: workbook, styles,
         * shared strings, the sheet), as the archive's directory declares them: a "zip bomb" is
         * refused (413 `uncompressed_too_large`) before anything is inflated.
         */
        maxUncompressedBytes: z.coerce
          .number()
          .int()
          .min(1_024)
          .max(4 * 1_073_741_824)
          .default(1_073_741_824),
        /** Most data rows in a file (422 `too_many_rows`). */
        maxRows: z.coerce.number().int().min(1).max(5_000_000).default(500_000),
        /** Most columns in a row (422 `too_many_columns`). */
        maxColumns: z.coerce.number().int().min(1).max(16_384).default(200),
        /** Longest cell, in characters (422 `cell_too_long`); Excel's own limit is 32,767. */
        maxCellChars: z.coerce.number().int().min(64).max(1_048_576).default(32_767),
        /** Longest a file may take to read and validate, in seconds (422 `import_too_slow`). */
        maxParseSeconds: z.coerce.number().int().min(1).max(3_600).default(300),
        /**
         * How a row is linked to a person who has no employee number yet (made by hand or by a
         * directory): by email, or never (a new person is created).
         */
        correlateBy: z.enum(['email', 'none']).default('email'),
        thresholds: thresholdsSchema.default({
          minShareOfManaged: 0.5,
          maxDeactivationShare: 0.1,
          maxDeactivations: 50,
        }),
      })
      .strict()
      .default({
        maxFileBytes: 50 * 1_048_576,
        maxUncompressedBytes: 1_073_741_824,
        maxRows: 500_000,
        maxColumns: 200,
        maxCellChars: 32_767,
        maxParseSeconds: 300,
        correlateBy: 'email',
        thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.1, maxDeactivations: 50 },
      }),
    scim: z
      .object({
        /** Tokens from the configuration (SCIM_TOKENS=name:sha256,...); more are made in the UI. */
        tokens: namedHashList.default([]),
      })
      .strict()
      .default({ tokens: [] }),
  })
  .strict();

/** `hr` in the configuration (every key optional). */
export const hrConfigSchema = hrConfigObject.default(() => hrConfigObject.parse({}));
export type HrConfig = z.infer<typeof hrConfigSchema>;
