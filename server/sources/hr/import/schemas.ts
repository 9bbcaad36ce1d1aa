import { z } from 'zod';
import { ROW_CODES, type RowCode } from '../../../shared/errorCodes.ts';
import { line, paging } from '../../../shared/schemas.ts';
import { RUN_STATUSES } from '../../entities.ts';
import { runView } from '../../schemas.ts';
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

/** One rejected row of an uploaded file (rows.ts, RowError). */
const rowErrorView = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  code: z
    .enum(Object.keys(ROW_CODES) as [RowCode, ...RowCode[]])
    .optional()
    .describe('A registered row error code (imports read before codes existed have none)'),
  params: z.record(z.string(), z.unknown()).optional(),
  message: z.string().describe('English, for API clients; the console shows the code’s text'),
});

/**
 * What an import run keeps about its file (`sync_run.details`, uploadImport.ts detailsOf). Each
 * key optional: runs recorded by earlier versions lack the later ones.
 */
export const importDetailsView = z
  .object({
    fileName: z.string(),
    sha256: z.string(),
    bytes: z.number().int(),
    format: z.enum(IMPORT_FORMATS),
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
    headers: z.array(z.string()).describe('The first 200 headers'),
    mapping: mappingObject.describe('Field → the header that feeds it'),
    unmappedHeaders: z.array(z.string()),
    rows: z.number().int(),
    rowErrors: z.array(rowErrorView).describe('The first 1,000 row errors, in file order'),
    rowErrorCount: z.number().int(),
    scope: z.enum(IMPORT_SCOPES),
    parsedInThread: z.number().int().describe('The worker thread that read the file (never 0)'),
    progress: z
      .object({ rowsRead: z.number().int(), rows: z.number().int() })
      .describe('Rows handed over for staging so far'),
  })
  .partial();

/** An import as the API shows it: a run of the `hr-import` source with its file's details. */
export const importView = runView.extend({ details: importDetailsView });
