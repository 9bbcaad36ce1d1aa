/**
 * Paths and query strings of the service's API, kept free of the console's other modules so
 * that tests run them in Node (test/apiPaths.test.ts).
 */

/** Builds a query string from defined, non-empty values. */
export function queryString(params: Readonly<Record<string, unknown>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The path of a call below /api/v1: the operation's template with each `{name}` filled in and
 * the defined query values after it. A parameter is one URI-encoded segment that cannot reach
 * another path: `/` is encoded, and an empty, `.` or `..` value (which a browser would resolve
 * to a parent path) is refused, as is a parameter the request lacks (never `undefined` sent).
 */
export function operationPath(
  template: string,
  params: Readonly<Record<string, string>> | undefined,
  query: Readonly<Record<string, unknown>> | undefined,
): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === '' || value === '.' || value === '..')
      throw new Error(`path parameter ${name} of ${template} is missing or not a segment`);
    return encodeURIComponent(value);
  });
  return `${path}${query ? queryString(query) : ''}`;
}
