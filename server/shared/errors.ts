import type { ErrorCode, FieldCode } from './errorCodes.ts';

/**
 * One field-level problem in a request: `path` is the field's dotted path in the body (answered
 * as a JSON pointer too), `code` a registered field code the console translates with `params`,
 * `message` the English text for API clients and logs.
 */
export interface FieldProblem {
  path: string;
  message: string;
  code?: FieldCode;
  params?: Record<string, unknown>;
}

/**
 * An error with an HTTP status and a stable machine-readable `code`, rendered as RFC 9457
 * `application/problem+json`. Commands throw these; anything else becomes a 500 `internal`.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldProblem[]; [key: string]: unknown } = {},
  ) {
    super(message);
  }
}

/** 400: the request is malformed or fails validation. */
export const badRequest = (code: ErrorCode, message: string, errors?: FieldProblem[]) =>
  new AppError(400, code, message, errors ? { errors } : {});
/** 401: no valid session or credentials. */
export const unauthenticated = (
  message = 'Authentication required',
  code: ErrorCode = 'unauthenticated',
) => new AppError(401, code, message);
/** 400 `malformed_json`: the body is not a JSON object or array. */
export const malformedJson = () =>
  new AppError(400, 'malformed_json', 'The request body is not valid JSON');
/** 404 `route_not_found`: no route answers this method and path. */
export const routeNotFound = (method: string, path: string) =>
  new AppError(404, 'route_not_found', `No route for ${method} ${path}`);
/** 405 `method_not_allowed`: the path exists, not with this method. */
export const methodNotAllowed = () =>
  new AppError(405, 'method_not_allowed', 'Method not allowed on this resource');
/** 413 `payload_too_large`: the body is over `http.bodyLimitBytes`. */
export const payloadTooLarge = () =>
  new AppError(413, 'payload_too_large', 'The request body is too large');
/** 415 `unsupported_media_type`: a body that is not JSON on the JSON API. */
export const unsupportedMediaType = () =>
  new AppError(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json');
/** 500 `internal`: what went wrong is in the server log, never in the answer. */
export const internalError = () =>
  new AppError(500, 'internal', 'An internal error occurred; see the server log');
/** 404: nothing there, or nothing the caller may know about. */
export const notFound = (what: string) =>
  new AppError(404, 'not_found', `${what} not found`, { params: { what } });
/** 409: the request conflicts with the current state. */
export const conflict = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(409, code, message, extra);
/** 422: well-formed, but a business rule refuses it. */
export const unprocessable = (
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
) => new AppError(422, code, message, extra);

/** What a denied attempt was trying to do, for its audit event. */
export interface DeniedAttempt {
  action: string;
  targetType?: string;
  targetId?: string;
  targetLabel?: string;
}

/** 403: the actor may not do this. Carries the attempt so it can be audited as `denied`. */
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(
    readonly attempt: DeniedAttempt,
    message = 'You are not allowed to do this',
    code: ErrorCode = 'forbidden',
  ) {
    super(403, code, message);
  }
}
