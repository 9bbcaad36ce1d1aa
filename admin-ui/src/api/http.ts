import { HttpError } from 'react-admin';
import { i18nProvider } from '../i18n/i18nProvider';
import { fieldMessage, problemMessage } from './problemText';

/** Where the service's JSON API lives (same origin as the UI). */
export const API_BASE = '/api/v1';

/**
 * One field's problem as the service answers it: the field's JSON `pointer` (and dotted `path`),
 * a registered `code` with its `params`, and English `detail`/`message` for API clients.
 */
export interface ProblemFieldError {
  pointer?: string;
  path: string;
  code?: string;
  params?: Record<string, unknown>;
  detail?: string;
  message: string;
}

/** An RFC 9457 problem as the service answers it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  params?: Record<string, unknown>;
  requestId?: string | null;
  errors?: ProblemFieldError[];
}

/**
 * The body of the `HttpError` {@link api} throws: the problem, its field errors translated
 * (`fieldErrors`, in the server's order) and, when there are any, `errors` in react-admin's shape
 * (`{ field: message, root: { serverError } }`), so a create or edit form shows each under its
 * field and the problem's own message as the notification.
 */
export interface ProblemErrorBody extends Omit<Problem, 'errors'> {
  fieldErrors: ProblemFieldError[];
  errors?: Record<string, unknown>;
}

let csrfToken: string | null = null;

/** Remembers the CSRF token from `/me` for unsafe requests. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE = new Set(['GET', 'HEAD']);

/** The field errors of a problem with each message in the console's language. */
function translatedFieldErrors(problem: Partial<Problem>): ProblemFieldError[] {
  const translate = i18nProvider.translate;
  return (Array.isArray(problem.errors) ? problem.errors : []).map((error) => ({
    ...error,
    message: fieldMessage(translate, error),
  }));
}

/** react-admin's submission errors: each message at its field's dotted path. */
function formErrors(fieldErrors: ProblemFieldError[], message: string): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  for (const error of fieldErrors)
    if (error.path !== '' && errors[error.path] === undefined) errors[error.path] = error.message;
  return { ...errors, root: { serverError: message } };
}

function toHttpError(status: number, body: unknown): HttpError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  // The message is the code's text in the console's language, never the server's English detail.
  const message = problemMessage(i18nProvider.translate, { ...problem, status });
  const fieldErrors = translatedFieldErrors(problem);
  const errorBody: ProblemErrorBody = {
    ...problem,
    status,
    fieldErrors,
    errors: fieldErrors.length > 0 ? formErrors(fieldErrors, message) : undefined,
  };
  return new HttpError(message, status, errorBody);
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

/** The translated field errors of an error thrown by {@link api} (empty for other errors). */
export function problemFieldErrors(error: unknown): ProblemFieldError[] {
  if (!(error instanceof HttpError)) return [];
  return (error.body as Partial<ProblemErrorBody> | undefined)?.fieldErrors ?? [];
}
