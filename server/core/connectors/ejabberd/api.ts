import { PermanentDeliveryError } from '../types.ts';
import type { EjabberdConnectorConfig } from './config.ts';

/** A failed or unexpected answer of ejabberd's HTTP API. */
export class EjabberdApiError extends Error {
  constructor(
    readonly command: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`ejabberd ${command} answered HTTP ${status}: ${JSON.stringify(body).slice(0, 300)}`);
    this.name = 'EjabberdApiError';
  }
}

/**
 * The error to throw for an unexpected answer: HTTP 400 (ejabberd refused the arguments, e.g. a
 * username that is not a valid JID localpart) cannot get better by retrying, so the event is
 * parked as dead at once; anything else is retried with backoff.
 */
export function apiFailure(command: string, status: number, body: unknown): Error {
  const error = new EjabberdApiError(command, status, body);
  return status === 400 ? new PermanentDeliveryError(error.message) : error;
}

/** ejabberd's error code for "User … already registered" (HTTP 409). */
export const ALREADY_REGISTERED = 10090;

/** One call's answer: HTTP status and the parsed JSON body (or the raw text). */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Calls ejabberd HTTP API commands. */
export interface EjabberdApi {
  /** Raw call: never throws on an HTTP status, only on network errors and timeouts. */
  call(command: string, args: Record<string, unknown>): Promise<ApiAnswer>;
  /**
   * For "rescode" commands (`set_vcard`, `kick_session`, `ban_account`, `srg_*`...): HTTP 200
   * with body `0` is success; anything else throws.
   */
  ok(command: string, args: Record<string, unknown>): Promise<void>;
  /** For commands that return data: HTTP 200 or throws. */
  get(command: string, args: Record<string, unknown>): Promise<unknown>;
}

function authorization(config: EjabberdConnectorConfig): Record<string, string> {
  const { auth } = config;
  if (auth.type === 'basic') {
    const basic = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
    return { authorization: `Basic ${basic}` };
  }
  if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return {};
}

/** An API client for `config.apiUrl` with the configured authentication and timeout. */
export function createEjabberdApi(config: EjabberdConnectorConfig): EjabberdApi {
  const base = config.apiUrl.replace(/\/+$/, '');
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...authorization(config),
  };
  const call = async (command: string, args: Record<string, unknown>): Promise<ApiAnswer> => {
    const response = await fetch(`${base}/${command}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Some commands answer plain text; keep it.
    }
    return { status: response.status, body };
  };
  return {
    call,
    async ok(command, args) {
      const answer = await call(command, args);
      if (answer.status !== 200 || answer.body !== 0) {
        throw apiFailure(command, answer.status, answer.body);
      }
    },
    async get(command, args) {
      const answer = await call(command, args);
      if (answer.status !== 200) throw apiFailure(command, answer.status, answer.body);
      return answer.body;
    },
  };
}
