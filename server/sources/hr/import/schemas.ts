import { z } from 'zod';
import { line, paging } from '../../../shared/schemas.ts';
import { RUN_STATUSES } from '../../entities.ts';
import { IMPORT_FIELDS, type ImportField } from './headers.ts';
import { IMPORT_FORMATS } from './parse.ts';
import { IMPORT_SCOPES } from './uploadImport.ts';

/** `mapping`: a JSON object of field → header, e.g. {"employeeId": "Таб. №"}; unknown fields are refused. */
const mappingObject = z.strictObject(
  Object.fromEntries(IMPORT_FIELDS.map((field) => [field, line(200).optional()])) as Record<
    ImportField,
    z.ZodOptional<ReturnType<typeof line>>
  >,
);

/** The text fields of POST /imports (multipart/form-data, next to the `file` part). */
export const uploadFields = z
  .object({
    scope: z.enum(IMPORT_SCOPES).default('partial'),
    mapping: z
      .string()
      .max(10_000)
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
          return z.NEVER;
        }
      })
      .pipe(mappingObject)
      .optional(),
    format: z.enum(IMPORT_FORMATS).optional(),
  })
  .strict();

/** GET /imports. */
export function listImportsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({ status: z.enum(RUN_STATUSES).optional(), ...paging(maxLimit, defaultLimit) })
    .strict();
}

/** POST /imports/:id/apply: `?wait=true` answers once applied or held for approval. */
export const applyQuery = z.object({ wait: z.enum(['true', 'false']).default('false') }).strict();
