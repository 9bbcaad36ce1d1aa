import { ZodError } from 'zod';
import { isUniqueViolation } from '../../../db/errors.ts';
import { AppError } from '../../../shared/errors.ts';

/** SCIM's error message schema (RFC 7644 §3.12). */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
/** The media type of every SCIM answer. */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** scimType keywords of RFC 7644 §3.12 (plus none for plain statuses). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** An error answered as a SCIM Error message. */
export class ScimError extends Error {
  override name = 'ScimError';
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    detail: string,
  ) {
    super(detail);
  }
}

/** 400 with a scimType (the common case of bad input). */
export const scimBad = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
/** 404: no such resource (or route). */
export const scimNotFound = (detail: string) => new ScimError(404, null, detail);
/** 409 uniqueness: another resource already has this value. */
export const scimConflict = (detail: string) => new ScimError(409, 'uniqueness', detail);

/** The SCIM Error body of a ScimError. */
export function errorBody(error: ScimError): Record<string, unknown> {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}

/**
 * Turns anything thrown while serving a SCIM request into a ScimError: our own AppErrors keep
 * their status (problem codes become the detail), zod issues are invalidValue, unique
 * violations uniqueness, body parser failures invalidSyntax / 413, the rest a plain 500.
 */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return scimBad('invalidValue', `${where}${issue?.message ?? 'invalid value'}`);
  }
  if (isUniqueViolation(error))
    return scimConflict('Another resource already has one of these unique values');
  // PostgreSQL data exceptions (22xxx): a value of the request has a form the column refuses.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('22'))
    return scimBad('invalidValue', 'A value in the request has the wrong form');
  if (error instanceof AppError) {
    const scimType: ScimType | null =
      error.status === 409 ? 'uniqueness' : error.status === 400 ? 'invalidValue' : null;
    return new ScimError(error.status, scimType, error.message);
  }
  const status = (error as { status?: unknown; statusCode?: unknown }).status;
  if (status === 413) return new ScimError(413, null, 'The request body is too large');
  if (status === 415) return new ScimError(415, null, 'Send application/scim+json or JSON');
  if (typeof status === 'number' && status === 400)
    return scimBad('invalidSyntax', 'The request body is not valid JSON');
  return new ScimError(500, null, 'Internal server error');
}

/**
 * Runs a filtered query: a PostgreSQL data exception there (a date the column refuses, say) is
 * the filter's fault, 400 invalidFilter.
 */
export async function filtered<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('22'))
      throw scimBad('invalidFilter', 'A value in the filter has the wrong form');
    throw error;
  }
}
