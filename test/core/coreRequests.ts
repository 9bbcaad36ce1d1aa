/** One server's answer to a raw request, without what differs per request (the request id). */
export interface ComparableAnswer {
  status: number;
  type: string | null;
  csp: string | null;
  cache: string | null;
  frame: string | null;
  /** Whether the answer carried an X-Request-Id. */
  requestId: boolean;
  body: Record<string, unknown> | null;
}

/** A raw request to the core's API: the body as text, so malformed ones can be sent too. */
export interface RawCoreRequest {
  path?: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * Sends `request` to `baseUrl` (by default a POST of JSON to the introspection route with the
 * given key) and returns what a client can compare between two servers.
 */
export async function rawCoreCall(
  baseUrl: string,
  key: string,
  request: RawCoreRequest,
): Promise<ComparableAnswer> {
  const response = await fetch(`${baseUrl}${request.path ?? '/api/v1/core/introspect'}`, {
    method: request.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      ...request.headers,
    },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  const parsed = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
  if (parsed) delete parsed.requestId;
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    csp: response.headers.get('content-security-policy'),
    cache: response.headers.get('cache-control'),
    frame: response.headers.get('x-frame-options'),
    requestId: Boolean(response.headers.get('x-request-id')),
    body: parsed,
  };
}
