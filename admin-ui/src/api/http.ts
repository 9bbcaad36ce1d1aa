import { HttpError } from 'react-admin';

/** Where the service's JSON API lives (same origin as the UI). */
export const API_BASE = '/api/v1';

/** An RFC 9457 problem as the service answers it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  requestId?: string | null;
  errors?: { path: string; message: string }[];
}

let csrfToken: string | null = null;

/** Remembers the CSRF token from `/me` for unsafe requests. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE = new Set(['GET', 'HEAD']);

/** Builds a query string from defined, non-empty values. */
export function queryString(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function toHttpError(status: number, body: unknown): HttpError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  const fields = problem.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
  const message = [problem.detail ?? problem.title ?? `HTTP ${status}`, fields]
    .filter(Boolean)
    .join(' — ');
  return new HttpError(message, status, problem);
}

async function send<T>(
  method: string,
  path: string,
  body: BodyInit | undefined,
  contentType?: string,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (!SAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (contentType) headers['Content-Type'] = contentType;
  const response = await fetch(`${API_BASE}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body,
  });
  const text = response.status === 204 ? '' : await response.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) throw toHttpError(response.status, parsed);
  return parsed as T;
}

/**
 * Calls the API with the session cookie, sending the CSRF token on unsafe requests; answers the
 * parsed JSON body (undefined for 204) or throws a react-admin `HttpError` carrying the problem's
 * `detail` as its message and the problem itself as its body.
 */
export function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  if (body === undefined) return send<T>(method, path, undefined);
  return send<T>(method, path, JSON.stringify(body), 'application/json');
}

/**
 * POSTs a multipart form (a file upload) like {@link api}: the same CSRF header and errors; the
 * browser sets the multipart Content-Type with its boundary, so none is set here.
 */
export function upload<T>(path: string, form: FormData): Promise<T> {
  return send<T>('POST', path, form);
}

/** The problem `code` of an error thrown by {@link api}, if any. */
export function problemCode(error: unknown): string | undefined {
  if (error instanceof HttpError) return (error.body as Partial<Problem> | undefined)?.code;
  return undefined;
}
