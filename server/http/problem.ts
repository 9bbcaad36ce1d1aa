import {
  CheckConstraintViolationException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type Koa from 'koa';
import { ZodError } from 'zod';
import { AppError } from '../shared/errors.ts';
import type { BaseContext } from './types.ts';

/** The RFC 9457 body this service answers errors with. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  requestId: string | null;
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

/** Maps anything thrown to an AppError; unknown errors become null (a 500). */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const errors = error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
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
  if (error instanceof UniqueConstraintViolationException)
    return new AppError(
      409,
      'already_exists',
      'A record with the same unique value already exists',
    );
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
  if (status === 413)
    return new AppError(413, 'payload_too_large', 'The request body is too large');
  if (status === 415)
    return new AppError(
      415,
      'unsupported_media_type',
      'Send JSON with Content-Type: application/json',
    );
  if (status === 405)
    return new AppError(405, 'method_not_allowed', 'Method not allowed on this resource');
  if (status === 501)
    return new AppError(405, 'method_not_allowed', 'Method not allowed on this resource');
  if (status === 400)
    return new AppError(400, 'malformed_request', 'The request could not be parsed');
  return null;
}

/** Writes a problem+json response. */
export function sendProblem(ctx: BaseContext, error: AppError): void {
  const body: ProblemBody = {
    type: `urn:frisbee:problem:${error.code}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
    instance: ctx.path,
    requestId: ctx.state.meta?.requestId ?? null,
    ...error.extra,
  };
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
        sendProblem(
          ctx,
          new AppError(404, 'route_not_found', `No route for ${ctx.method} ${ctx.path}`),
        );
      }
    } catch (error) {
      const appError = toAppError(error);
      if (appError) {
        sendProblem(ctx, appError);
        return;
      }
      ctx.state.log?.error({ err: error }, 'unhandled error');
      sendProblem(
        ctx,
        new AppError(500, 'internal', 'An internal error occurred; see the server log'),
      );
    }
  };
}
