import {
  CheckConstraintViolationException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
  OptimisticLockError,
} from '@mikro-orm/core';
import type Koa from 'koa';
import { ZodError } from 'zod';
import { isUniqueViolation } from '../db/errors.ts';
import { type ErrorCode, type FieldCode, PROBLEM_CODES } from '../shared/errorCodes.ts';
import {
  AppError,
  type FieldProblem,
  internalError,
  methodNotAllowed,
  payloadTooLarge,
  routeNotFound,
  unsupportedMediaType,
} from '../shared/errors.ts';
import { fieldProblemsOf, pointerOf, uniqueFieldOf } from '../shared/fieldProblems.ts';
import type { BaseContext } from './types.ts';

/**
 * One field's problem in a problem body (an RFC 9457 extension member): `pointer` is the JSON
 * pointer of the field in the request body, `code` a registered field code, `params` the values
 * its message is filled with, `detail` English text. `path` and `message` are the older names of
 * the same (dotted path, English text), kept for clients that read them.
 */
export interface ProblemFieldError {
  pointer: string;
  code: FieldCode;
  params: Record<string, unknown>;
  detail: string;
  path: string;
  message: string;
}

/**
 * The RFC 9457 body this service answers errors with: a registered `code`, the `params` its
 * message is filled with (names in shared/errorCodes.ts), and for field problems `errors`.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId: string | null;
  params: Record<string, unknown>;
  errors?: ProblemFieldError[];
  [key: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function httpStatusOf(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
  }
  return null;
}

/**
 * 409 `already_exists`, pointing at the field whose value is taken when the index says which;
 * otherwise the field is `record` (the console reads «Запись: …»), so the message always has one.
 */
function alreadyExists(field: string | null): AppError {
  if (field === null)
    return new AppError(
      409,
      'already_exists',
      'A record with the same unique value already exists',
      { params: { field: 'record' } },
    );
  const taken: FieldProblem = {
    path: field,
    message: 'already taken',
    code: 'already_exists',
    params: { field },
  };
  return new AppError(409, 'already_exists', `A record with the same ${field} already exists`, {
    params: { field },
    errors: [taken],
  });
}

/** The fields of field problems, for the problem's `params` (`validation_failed`). */
const fieldsOf = (errors: FieldProblem[] | undefined) => [
  ...new Set((errors ?? []).map((e) => e.path)),
];

/** The values a problem's message is filled with: the registered names found among its members. */
function paramsOf(error: AppError): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of PROBLEM_CODES[error.code] as readonly string[])
    if (error.extra[name] !== undefined) params[name] = error.extra[name];
  if (
    (error.code === 'validation_failed' || error.code === 'unknown_field') &&
    params.fields === undefined
  )
    params.fields = fieldsOf(error.extra.errors);
  const explicit = error.extra.params;
  return typeof explicit === 'object' && explicit !== null ? { ...params, ...explicit } : params;
}

/** A field problem as the body carries it: pointer, code, params and English detail. */
function presentFieldError(problem: FieldProblem): ProblemFieldError {
  return {
    pointer: pointerOf(problem.path),
    code: problem.code ?? 'invalid',
    params: problem.params ?? {},
    detail: problem.message,
    path: problem.path,
    message: problem.message,
  };
}

/** Maps anything thrown to an AppError; unknown errors become null (a 500). */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const errors = fieldProblemsOf(error);
    const unknownField = error.issues.some((issue) => issue.code === 'unrecognized_keys');
    return new AppError(
      400,
      unknownField ? 'unknown_field' : 'validation_failed',
      'The request is not valid',
      { errors },
    );
  }
  if (error instanceof OptimisticLockError)
    return new AppError(
      409,
      'version_conflict',
      'The record was changed by someone else; reload it',
    );
  if (isUniqueViolation(error)) return alreadyExists(uniqueFieldOf(error));
  if (error instanceof ForeignKeyConstraintViolationException)
    return new AppError(
      422,
      'invalid_reference',
      'A referenced record does not exist or is still in use',
    );
  if (
    error instanceof CheckConstraintViolationException ||
    error instanceof NotNullConstraintViolationException
  )
    return new AppError(400, 'invalid_value', 'A value is out of the allowed range');
  if (error instanceof URIError)
    return new AppError(400, 'malformed_uri', 'The request URI is malformed');
  const status = httpStatusOf(error);
  if (status === 413) return payloadTooLarge();
  if (status === 415) return unsupportedMediaType();
  if (status === 405 || status === 501) return methodNotAllowed();
  if (status === 400)
    return new AppError(400, 'malformed_request', 'The request could not be parsed');
  return null;
}

/** The problem+json body of an error, for the request at `instance` with id `requestId`. */
export function problemBody(
  error: AppError,
  instance: string,
  requestId: string | null,
): ProblemBody {
  const { errors, params: _params, ...members } = error.extra;
  return {
    type: `urn:frisbee:problem:${error.code}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
    instance,
    requestId,
    ...members,
    params: paramsOf(error),
    ...(errors ? { errors: errors.map(presentFieldError) } : {}),
  };
}

/** Writes a problem+json response. */
export function sendProblem(ctx: BaseContext, error: AppError): void {
  const body = problemBody(error, ctx.path, ctx.state.meta?.requestId ?? null);
  ctx.status = error.status;
  // Rate limits, lockouts and a busy hasher say when to come back; HTTP clients read the header.
  const retryAfter = error.extra.retryAfterSeconds;
  if (typeof retryAfter === 'number')
    ctx.set('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  ctx.type = 'application/problem+json';
  ctx.body = body;
}

/** Catches every error below it and answers RFC 9457 problem+json; never leaks a stack trace. */
export function problemMiddleware(): Koa.Middleware<BaseContext['state']> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        sendProblem(ctx, routeNotFound(ctx.method, ctx.path));
      }
    } catch (error) {
      const appError = toAppError(error);
      if (appError) {
        sendProblem(ctx, appError);
        return;
      }
      ctx.state.log?.error({ err: error }, 'unhandled error');
      sendProblem(ctx, internalError());
    }
  };
}
