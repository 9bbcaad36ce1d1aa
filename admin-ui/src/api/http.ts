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

/**
 * Calls the API with the session cookie, sending the CSRF token on unsafe requests; answers the
 * parsed JSON body (undefined for 204) or throws a react-admin `HttpError` carrying the problem's
 * `detail` as its message and the problem itself as its body.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (!SAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${API_BASE}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
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

/** The problem `code` of an error thrown by {@link api}, if any. */
export function problemCode(error: unknown): string | undefined {
  if (error instanceof HttpError) return (error.body as Partial<Problem> | undefined)?.code;
  return undefined;
}
