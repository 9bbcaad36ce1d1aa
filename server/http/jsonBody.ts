import { parse } from '@hapi/bourne';

const JSON_UTF8 = /^application\/json\s*(?:;\s*charset=utf-8\s*)?$/i;

/**
 * Whether a Content-Type is exactly JSON in UTF-8 (`application/json`, with or without
 * `charset=utf-8`): the one form the handlers that run without Koa read themselves.
 */
export function isJsonUtf8(contentType: string | undefined): boolean {
  return JSON_UTF8.test(contentType ?? '');
}

/**
 * Parses a JSON request body as the Koa stack's body parser does (co-body, strict): only an
 * object or an array is a body, and a `__proto__` key anywhere in it is refused (prototype
 * poisoning), as `@hapi/bourne` refuses it for Koa. Returns undefined for anything else, which
 * every caller answers with 400 `malformed_json`. An empty text is not handled here: Koa takes
 * it for `{}`.
 */
export function parseJsonBody(text: string): object | undefined {
  let parsed: unknown;
  try {
    parsed = parse(text, { protoAction: 'error' });
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
}
