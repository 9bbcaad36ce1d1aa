import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../server/shared/webhookSignature.ts';

/** One request the gateway received, with whether its signature checked out. */
export interface GatewayRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  raw: string;
  /** The body parsed as JSON (the test template is JSON), or null. */
  body: { to?: string; text?: string; id?: string } | null;
  /** The `webhook-signature` matched the shared secret, within the timestamp tolerance. */
  signatureValid: boolean;
  /** What the gateway answered. */
  status: number;
}

/** A throw-away SMS gateway on loopback: checks signatures, records requests, answers as told. */
export interface TestSmsGateway {
  url: string;
  /** The `whsec_` secret the service must sign with (SMS_GATEWAY_SECRET). */
  secret: string;
  requests: GatewayRequest[];
  /** Requests whose signature checked out and that were accepted (2xx). */
  delivered(): GatewayRequest[];
  /** The next `times` requests are answered with `status` (500, 503, 400, …). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/**
 * Starts the stand-in for an SMS gateway (node:http on 127.0.0.1, a random port). It checks
 * every request's Standard Webhooks signature with the shared secret, as a real gateway set up
 * per docs/sms.md would, refuses a bad one with 401, and answers accepted messages with
 * `{"id":"gw-<n>","status":"queued"}` so the service records the gateway's message id.
 */
export async function startSmsGateway(): Promise<TestSmsGateway> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const requests: GatewayRequest[] = [];
  const failures: number[] = [];
  let accepted = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(request.headers[name] ?? '');
      const signatureValid = verifySignature(
        secret,
        {
          id: header('webhook-id'),
          timestamp: header('webhook-timestamp'),
          signature: header('webhook-signature'),
        },
        raw,
      );
      let body: GatewayRequest['body'] = null;
      try {
        body = JSON.parse(raw) as GatewayRequest['body'];
      } catch {
        body = null;
      }
      let status = 200;
      let answer: string;
      if (!signatureValid) {
        status = 401;
        answer = '{"error":"bad signature"}';
      } else if (failures.length > 0) {
        status = failures.shift() as number;
        answer = `{"error":"gateway says ${status}"}`;
      } else {
        accepted += 1;
        answer = JSON.stringify({ id: `gw-${accepted}`, status: 'queued' });
      }
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        raw,
        body,
        signatureValid,
        status,
      });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(answer);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    secret,
    requests,
    delivered: () => requests.filter((r) => r.signatureValid && r.status < 300),
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `sms` configuration section pointing the service at a test gateway. */
export function smsConfigFor(gateway: TestSmsGateway, timeoutMs: number) {
  return {
    gateway: {
      url: gateway.url,
      allowPlain: true,
      body: '{"to":"{{phone}}","text":"{{text}}","id":"{{id}}"}',
      headers: { 'x-client': 'frisbee-test' },
      messageIdField: 'id',
      timeoutMs,
    },
  };
}
