import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../shared/errorCodes.ts';
import { API_CSP, fixedSecurityHeaders, type SecurityHeadersOptions } from './securityHeaders.ts';

/** What Node's HTTP parser refused, as this service's problem codes. */
interface Refusal {
  status: number;
  title: string;
  code: ErrorCode;
  detail: string;
}

const REFUSALS: Record<string, Refusal> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    title: 'Request Header Fields Too Large',
    code: 'headers_too_large',
    detail: 'The request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request Timeout',
    code: 'request_timeout',
    detail: 'The request was not received in time',
  },
};

const MALFORMED: Refusal = {
  status: 400,
  title: 'Bad Request',
  code: 'malformed_request',
  detail: 'The request could not be parsed as HTTP',
};

/**
 * Answers requests that Node's HTTP parser refuses before Koa sees them (a control character
 * in a header, a broken request line, headers over the size limit, a request too slow to
 * arrive) with the same problem+json and security headers as every other answer, instead of
 * Node's bare `400 Bad Request`. The connection is closed after the answer: the parser's state
 * is unknown.
 */
export function answerClientErrors(server: Server, options: SecurityHeadersOptions): void {
  const headers = {
    ...fixedSecurityHeaders(options),
    'Content-Security-Policy': API_CSP,
    'Cache-Control': 'no-store',
    'Content-Type': 'application/problem+json',
    Connection: 'close',
  };
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or a half-written response leaves nobody to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = REFUSALS[error.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({
      type: `urn:frisbee:problem:${refusal.code}`,
      title: refusal.title,
      status: refusal.status,
      code: refusal.code,
      detail: refusal.detail,
      params: {},
      instance: null,
      requestId: null,
    });
    const head = Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${refusal.status} ${refusal.title}\r\n${head}\r\n${body}`);
  });
}

/**
 * What every server of the service installs before it listens: the answer to requests Node's
 * parser refuses ({@link answerClientErrors}), and a keep-alive timeout longer than the idle
 * timeout of the proxies and load balancers in front (60 s is common), so the server never
 * closes a kept-alive connection a client is about to reuse (the client would see ECONNRESET
 * on a request the server never read).
 */
export function prepareApiServer(server: Server, options: SecurityHeadersOptions): void {
  answerClientErrors(server, options);
  server.keepAliveTimeout = 65_000;
}
