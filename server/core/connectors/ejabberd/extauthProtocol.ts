/**
 * ejabberd's external-authentication protocol (`auth_method: external`): ejabberd writes
 * requests as a 2-byte big-endian length followed by `op:User:Server[:Password]`; the program
 * answers each, in order, with the length 2 and a 2-byte result (1 = yes, 0 = no).
 * This file has no I/O of its own so that it can be tested without a process.
 */

/** One request from ejabberd. */
export type ExtauthRequest =
  | { op: 'auth'; user: string; server: string; password: string }
  | { op: 'isuser'; user: string; server: string }
  | { op: 'other'; name: string };

/** Splits buffered stdin into complete frames; returns them and the unconsumed rest. */
export function readFrames(buffer: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const length = buffer.readUInt16BE(offset);
    if (buffer.length - offset - 2 < length) break;
    frames.push(buffer.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** Parses one frame. The password is everything after the third colon: it may contain colons. */
export function parseRequest(frame: Buffer): ExtauthRequest {
  const text = frame.toString('utf8');
  const parts = text.split(':');
  const name = parts[0] ?? '';
  if (name === 'auth' && parts.length >= 4) {
    return {
      op: 'auth',
      user: parts[1] ?? '',
      server: parts[2] ?? '',
      password: parts.slice(3).join(':'),
    };
  }
  if (name === 'isuser' && parts.length >= 3) {
    return { op: 'isuser', user: parts[1] ?? '', server: parts[2] ?? '' };
  }
  // setpass, tryregister, removeuser, removeuser3 and anything unknown.
  return { op: 'other', name };
}

/** The 4-byte answer to one request. */
export function encodeResult(ok: boolean): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt16BE(2, 0);
  out.writeUInt16BE(ok ? 1 : 0, 2);
  return out;
}

/** Asks the service whether `token` is a live session of `username`. Must never throw. */
export type TokenCheck = (username: string, token: string) => Promise<boolean>;

/**
 * The answer to one request. Only `auth` can say yes, and only when the service says so:
 * `isuser` says no because account existence is ejabberd's own store (filled by the connector),
 * and password changes or registrations through XMPP are refused (the service owns credentials).
 */
export async function answer(
  request: ExtauthRequest,
  check: TokenCheck,
  allowedServers: readonly string[] | null,
): Promise<boolean> {
  if (request.op !== 'auth') return false;
  if (allowedServers && !allowedServers.includes(request.server.toLowerCase())) return false;
  if (request.user === '' || request.password === '') return false;
  return check(request.user, request.password);
}

/**
 * A {@link TokenCheck} against `POST <serviceUrl>/api/v1/core/authenticate`. Fails closed: a
 * timeout, a network error, a non-200 answer or anything but `{"ok": true}` is a no. Nothing
 * is cached, so a revoked session is refused from the moment the service says so.
 */
export function serviceTokenCheck(options: {
  serviceUrl: string;
  apiKey: string;
  timeoutMs: number;
  onError?: (message: string) => void;
}): TokenCheck {
  const url = new URL('/api/v1/core/authenticate', options.serviceUrl).toString();
  return async (username, token) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ username, token }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status !== 200) {
        options.onError?.(`authenticate answered HTTP ${response.status}`);
        await response.body?.cancel();
        return false;
      }
      const body = (await response.json()) as unknown;
      return typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true;
    } catch (error) {
      options.onError?.(`authenticate failed: ${error instanceof Error ? error.message : error}`);
      return false;
    }
  };
}
