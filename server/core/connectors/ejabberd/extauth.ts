/**
 * The ejabberd external-authentication program: `extauth_program: "node --import tsx
 * <this file>"`. A messenger client logs in to ejabberd with its username and, as the password,
 * the device-session token the service issued; each login is checked with the service's
 * `POST /api/v1/core/authenticate`. Environment:
 * - `EXTAUTH_SERVICE_URL` — the service's base URL (required)
 * - `EXTAUTH_CORE_API_KEY` — a core API key (required; see `npm run cli -- core-key generate`)
 * - `EXTAUTH_TIMEOUT_MS` — per check (default 3000; ejabberd gives up on the program later)
 * - `EXTAUTH_HOSTS` — comma-separated XMPP hosts to accept logins for (default: any)
 * stdout carries only protocol frames; diagnostics (never tokens) go to stderr.
 */
import {
  answer,
  encodeResult,
  parseRequest,
  readFrames,
  serviceTokenCheck,
} from './extauthProtocol.ts';

function log(message: string): void {
  process.stderr.write(`ejabberd-auth: ${message}\n`);
}

function main(): void {
  const serviceUrl = process.env.EXTAUTH_SERVICE_URL ?? '';
  const apiKey = process.env.EXTAUTH_CORE_API_KEY ?? '';
  const timeoutMs = Number.parseInt(process.env.EXTAUTH_TIMEOUT_MS ?? '3000', 10) || 3000;
  const hosts = (process.env.EXTAUTH_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  // Misconfigured: keep running and refuse everything, so ejabberd does not respawn us in a loop.
  if (serviceUrl === '' || apiKey === '')
    log('EXTAUTH_SERVICE_URL or EXTAUTH_CORE_API_KEY unset: refusing every login');
  const check =
    serviceUrl === '' || apiKey === ''
      ? async () => false
      : serviceTokenCheck({ serviceUrl, apiKey, timeoutMs, onError: log });

  let pending = Buffer.alloc(0);
  // Answers must leave in request order: chain them.
  let queue: Promise<void> = Promise.resolve();
  process.stdin.on('data', (chunk: Buffer) => {
    const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
    pending = Buffer.from(rest);
    for (const frame of frames) {
      const request = parseRequest(frame);
      queue = queue.then(async () => {
        const ok = await answer(request, check, hosts.length > 0 ? hosts : null).catch(() => false);
        process.stdout.write(encodeResult(ok));
      });
    }
  });
  // ejabberd closes our stdin when it stops or restarts the pool: finish the answers, then exit.
  process.stdin.on('end', () => {
    void queue.then(() => process.exit(0));
  });
}

main();
