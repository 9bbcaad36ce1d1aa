import type Koa from 'koa';
import { AppError, type FieldProblem } from '../shared/errors.ts';
import { type TextKind, UNSAFE_TEXT_MESSAGES, unsafeCharacterIn } from '../shared/text.ts';

/** The stable problem code of a refused character (docs/api.md, "Errors"). */
export const INVALID_TEXT = 'invalid_text';

/** Request headers the service reads as text of its own (the others are matched by pattern). */
const READ_HEADERS = ['user-agent'] as const;

/** The request headers the service stores, as the input boundary checks them (`get` reads one). */
export function storedHeaders(get: (name: string) => string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of READ_HEADERS) headers[name] = get(name);
  return headers;
}

/** At most this many problems are listed; one is enough to fix the request. */
const MAX_PROBLEMS = 20;

/**
 * The parts of a request, by where they came from. Body strings are multi-line text (tab, LF and
 * CR allowed: descriptions and reasons legitimately hold them); every other part is single-line.
 */
export interface RequestParts {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  /** The text fields of a multipart upload (multi-line, as a body). */
  form?: Record<string, unknown>;
}

const KIND: Record<keyof RequestParts, TextKind> = {
  params: 'singleLine',
  query: 'singleLine',
  headers: 'singleLine',
  body: 'multiLine',
  form: 'multiLine',
};

/**
 * Every refused string in `parts`, with its place (`query.targetId`, `body.members.0.name`, a
 * key as `body.attributes[key]`). The walk is iterative: a deeply nested body cannot overflow
 * the stack.
 */
export function findUnsafeText(parts: RequestParts): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const location of Object.keys(KIND) as (keyof RequestParts)[]) {
    const kind = KIND[location];
    const stack: { path: string; value: unknown }[] = [{ path: location, value: parts[location] }];
    while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
      const { path, value } = stack.pop() as { path: string; value: unknown };
      if (typeof value === 'string') {
        const reason = unsafeCharacterIn(value, kind);
        if (reason) problems.push({ path, message: UNSAFE_TEXT_MESSAGES[reason], code: reason });
      } else if (Array.isArray(value)) {
        value.forEach((item, index) => {
          stack.push({ path: `${path}.${index}`, value: item });
        });
      } else if (typeof value === 'object' && value !== null) {
        for (const [key, item] of Object.entries(value)) {
          // A key is an identifier (a field name, a mapping's column): single-line, and not
          // echoed back raw, so the problem itself stays printable.
          const reason = unsafeCharacterIn(key);
          if (reason)
            problems.push({
              path: `${path}[key]`,
              message: UNSAFE_TEXT_MESSAGES[reason],
              code: reason,
            });
          else stack.push({ path: `${path}.${key}`, value: item });
        }
      }
    }
  }
  return problems;
}

/** Throws 400 `invalid_text` when any string in `parts` carries a refused character. */
export function refuseUnsafeText(parts: RequestParts): void {
  const errors = findUnsafeText(parts);
  if (errors.length > 0)
    throw new AppError(
      400,
      INVALID_TEXT,
      'The request contains NUL, control characters or unpaired surrogates',
      { errors },
    );
}

/**
 * The JSON API's input boundary: path parameters, the query string, the JSON body and the headers
 * the service stores pass here before authentication and before any handler. It refuses, never
 * rewrites (a rewritten identifier or secret collides or fails later); display-text
 * normalization (NFC, trimming, length) stays in the route's zod schema (`line()`, `paragraph()`).
 * Mounted in each route's chain, after the router set `ctx.params`.
 */
export const inputBoundary: Koa.Middleware = async (ctx, next) => {
  const routed = ctx as Koa.Context & { params?: Record<string, string> };
  refuseUnsafeText({
    params: routed.params ?? {},
    query: ctx.query,
    headers: storedHeaders((name) => ctx.get(name)),
    body: (ctx.request as { body?: unknown }).body,
  });
  await next();
};
