import { request } from 'node:https';

/** The options openid-client passes to a custom fetch (oauth4webapi's CustomFetchOptions). */
export interface ProviderFetchOptions {
  body?: unknown;
  headers: Record<string, string>;
  method: string;
  redirect?: 'manual';
  signal?: AbortSignal;
}

/** Longest answer accepted from the provider (discovery, JWKS, tokens, userinfo are small). */
const MAX_RESPONSE_BYTES = 1 << 20;
/** A provider that does not answer within this long is treated as down. */
const REQUEST_TIMEOUT_MS = 15_000;

function bodyOf(body: unknown): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error('unsupported request body for the OpenID provider');
}

/**
 * A fetch for openid-client that speaks https only and trusts exactly `ca` (the issuer's
 * corporate CA) when given, the system store otherwise. Node's global fetch takes no per-request
 * CA, and a process-wide NODE_EXTRA_CA_CERTS would widen trust for every other connection too.
 * Redirects are never followed (openid-client asks for `manual`).
 */
export function httpsFetch(
  ca: string | null,
): (url: string, options: ProviderFetchOptions) => Promise<Response> {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new Error(`refusing a non-https request to the OpenID provider: ${target.origin}`));
        return;
      }
      const req = request(
        target,
        {
          method: options.method,
          headers: options.headers,
          signal: options.signal,
          timeout: REQUEST_TIMEOUT_MS,
          ...(ca ? { ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error('the OpenID provider answered with too much data'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (Array.isArray(value)) for (const item of value) headers.append(name, item);
              else if (value !== undefined) headers.set(name, value);
            }
            const status = res.statusCode ?? 502;
            const empty = status === 204 || status === 304 || status < 200;
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers,
              }),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('the OpenID provider did not answer in time')));
      req.on('error', reject);
      const body = bodyOf(options.body);
      req.end(body);
    });
}
