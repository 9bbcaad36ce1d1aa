import { parse } from '@hapi/bourne';

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
