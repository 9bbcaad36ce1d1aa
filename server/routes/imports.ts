import multer from 'multer';
import { refuseUnsafeText } from '../http/inputBoundary.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { idParams, listOf } from '../shared/schemas.ts';
import { applyImport } from '../sources/hr/import/applyImport.ts';
import { discardImport } from '../sources/hr/import/discardImport.ts';
import { getImport, getImportPlan, listImports } from '../sources/hr/import/readImports.ts';
import {
  applyQuery,
  importView,
  listImportsQuery,
  uploadFields,
} from '../sources/hr/import/schemas.ts';
import { authorizeUpload, uploadImport } from '../sources/hr/import/uploadImport.ts';
import { planItemView, planQuery } from '../sources/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';
import type { AppContext } from './types.ts';

const tags = ['hr import'];

/** The parts of a multipart upload, read into memory within the configured size. */
interface Upload {
  file: Express.Multer.File | undefined;
  fields: Record<string, unknown>;
}

/** Reads the multipart body: one `file` part of at most `maxBytes`, a few small text fields. */
async function readUpload(ctx: AppContext, maxBytes: number): Promise<Upload> {
  if (!ctx.is('multipart/form-data'))
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the file as multipart/form-data with a "file" part',
    );
  const middleware = multer({
    storage: multer.memoryStorage(),
    // File names are UTF-8 (Cyrillic ones too) when the client does not say otherwise.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 16_384, parts: 12 },
  }).single('file');
  const req = ctx.req as typeof ctx.req & { file?: Express.Multer.File; body?: unknown };
  try {
    await new Promise<void>((resolve, reject) =>
      middleware(req as never, ctx.res as never, (error?: unknown) =>
        error ? reject(error) : resolve(),
      ),
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE')
      throw new AppError(413, 'file_too_large', `The file is larger than ${maxBytes} bytes`, {
        maxBytes,
      });
    if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT')
      throw badRequest('unexpected_file', 'Send exactly one file, in the part named "file"');
    if (typeof code === 'string' && code.startsWith('LIMIT_'))
      throw badRequest('upload_too_complex', 'Too many or too large form fields');
    throw badRequest('malformed_multipart', 'The multipart body could not be read');
  }
  return { file: req.file, fields: { ...(req.body as Record<string, unknown> | undefined) } };
}

/** Declares the HR file imports: upload (preview), read, plan, apply, discard. */
export function registerImportRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/imports',
      operationId: 'uploadImport',
      summary: 'Upload an HR file (CSV or XLSX) and plan it: the preview (staff and up)',
      description:
        'multipart/form-data with a `file` part (CSV in UTF-8 or Windows-1251 with `,` `;` or ' +
        'tab, or XLSX) and optional text fields `scope` (`partial` | `complete`: the file is the ' +
        'whole staff list and HR people missing from it are deactivated), `mapping` (a JSON ' +
        'object of field → column header, e.g. {"employeeId":"Таб. №"}) and `format` ' +
        '(`csv` | `xlsx`). Answers once the preview is planned: counts, details and row errors.',
      tags,
      response: { status: 201, description: 'The planned import', schema: importView },
      errors: [409, 413, 415, 422],
    },
    async ({ ctx, services, auth }) => {
      await authorizeUpload(services, auth.actor);
      const upload = await readUpload(ctx, services.config.hr.import.maxFileBytes);
      // Multipart text is read here, not by the JSON body parser: the same boundary, by hand.
      const sentName = upload.file?.originalname;
      refuseUnsafeText({ form: { ...upload.fields, ...(sentName ? { fileName: sentName } : {}) } });
      const fields = uploadFields.parse(upload.fields);
      if (!upload.file)
        throw badRequest('file_missing', 'Send the file in a multipart part named "file"');
      const fileName = (upload.file.originalname || 'upload').split(/[\\/]/).pop() ?? 'upload';
      return uploadImport(services, auth.actor, {
        bytes: upload.file.buffer,
        fileName: fileName.slice(0, 255),
        scope: fields.scope,
        mapping: fields.mapping,
        format: fields.format,
      });
    },
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/imports',
      operationId: 'listImports',
      summary: 'List imports, newest first',
      tags,
      query: listImportsQuery(maxLimit, defaultLimit),
      response: { description: 'A page of imports', schema: listOf(importView) },
    },
    ({ services, auth, query }) => listImports(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/imports/:id',
      operationId: 'getImport',
      summary: 'Get an import: status, counts, file details and row errors',
      tags,
      params: idParams,
      response: { description: 'The import', schema: importView },
      errors: [404],
    },
    ({ services, auth, params }) => getImport(services, auth.actor, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/imports/:id/plan',
      operationId: 'getImportPlan',
      summary: "A page of an import's plan: per person, the action and the attribute diff",
      tags,
      params: idParams,
      query: planQuery(maxLimit, defaultLimit),
      response: { description: 'Plan items in order', schema: listOf(planItemView) },
      errors: [404],
    },
    ({ services, auth, params, query }) => getImportPlan(services, auth.actor, params.id, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/imports/:id/apply',
      operationId: 'applyImport',
      summary: 'Apply a planned import (held for approval when it deactivates too many)',
      tags,
      params: idParams,
      query: applyQuery,
      response: { status: 202, description: 'The import, applying', schema: importView },
      errors: [404, 409],
    },
    ({ services, auth, params, query }) =>
      applyImport(services, auth.actor, params.id, query.wait === 'true'),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/imports/:id/discard',
      operationId: 'discardImport',
      summary: 'Discard a planned import',
      tags,
      params: idParams,
      response: { description: 'The import, cancelled', schema: importView },
      errors: [404, 409],
    },
    ({ services, auth, params }) => discardImport(services, auth.actor, params.id),
  );
}
