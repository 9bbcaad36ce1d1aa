import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../server/config.ts';
import { freePort } from '../../server/shared/freePort.ts';
import { CORE_API_MS, EJABBERD_READY_MS, GRACEFUL_EXIT_MS, HTTP_ANSWER_MS } from './timeouts.ts';

/** One readiness probe of a starting ejabberd (probes repeat until EJABBERD_READY_MS). */
const STATUS_PROBE_MS = 5_000;

/** First starts tried, each on new ports, while a port turns out taken. */
const PORT_ATTEMPTS = 3;

/**
 * What ejabberd logs when its application did not start, or a listener could not open its
 * port (logged first; the application's failure may come much later).
 */
const START_FAILED = /Failed to start ejabberd application|eaddrinuse/;

/**
 * A throw-away ejabberd 23.01 for tests and benchmarks, started directly with `erl` (no epmd,
 * no distribution, no su: see ../shared/ENVIRONMENT.md) in a temporary folder of its own:
 * config, self-signed certificate, mnesia spool and log. It listens on 127.0.0.1 only, on free
 * ports for c2s (STARTTLS) and the HTTP API, and authenticates logins through the project's
 * external-auth program against the service under test. Stopped by pid, always.
 */

const run = promisify(execFile);
const ERL = '/usr/bin/erl';
const OPENSSL = '/usr/bin/openssl';
const ERL_LIBS = '/usr/lib/x86_64-linux-gnu';
const EXTAUTH = join(projectRoot, 'server/core/connectors/ejabberd/extauth.ts');

/** Why ejabberd cannot be started here, or null when it can. */
export const ejabberdMissing: string | null = (() => {
  const missing = [ERL, OPENSSL].filter((path) => !existsSync(path));
  const hasEjabberd =
    existsSync(ERL_LIBS) && readdirSync(ERL_LIBS).some((name) => name.startsWith('ejabberd-'));
  if (!hasEjabberd) missing.push(`${ERL_LIBS}/ejabberd-*`);
  return missing.length > 0 ? `${missing.join(', ')} not found` : null;
})();

/**
 * Whether the ejabberd suites run. On CI (`CI` set) a missing ejabberd is an error, thrown at
 * import; elsewhere the suite is skipped with a loud message.
 */
export const ejabberdAvailable: boolean = (() => {
  if (!ejabberdMissing) return true;
  const message = `ejabberd tests cannot run: ${ejabberdMissing}. Install: apt-get install -y ejabberd`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!!!! SKIPPING: ${message}\n`);
  return false;
})();

/** What the harness needs to start ejabberd. */
export interface EjabberdOptions {
  /** The XMPP host (default `corp.example.test`). */
  host?: string;
  /** The service the external-auth program asks (omit: logins are all refused). */
  serviceUrl?: string;
  /** A core API key of that service. */
  coreApiKey?: string;
  /** Extra erl `+` flags, e.g. to size the process table. */
  loglevel?: 'warning' | 'info' | 'debug';
}

/** A running (or stopped) throw-away ejabberd. */
export interface Ejabberd {
  readonly host: string;
  /** The HTTP API base, `http://127.0.0.1:<port>/api`. */
  readonly apiUrl: string;
  readonly c2sPort: number;
  readonly dir: string;
  /** The pid of the running `beam.smp` (null when stopped). */
  readonly pid: number | null;
  /** Calls an API command; returns HTTP status and the parsed JSON body. */
  command(name: string, args?: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Starts ejabberd again (same spool) after {@link stop}. */
  start(): Promise<void>;
  /** SIGTERM by pid; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Stops it and removes its folder. Safe to call twice. */
  close(): Promise<void>;
  /** The tail of ejabberd's log (for failure messages). */
  logTail(): Promise<string>;
}

function config(options: {
  host: string;
  c2sPort: number;
  httpPort: number;
  dir: string;
  loglevel: string;
}): string {
  return `loglevel: ${options.loglevel}
log_rotate_count: 0
hosts:
  - "${options.host}"
certfiles:
  - "${join(options.dir, 'cert.pem')}"
listen:
  -
    port: ${options.c2sPort}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    backlog: 1024
    max_stanza_size: 262144
    starttls: true
    starttls_required: true
  -
    port: ${options.httpPort}
    ip: "127.0.0.1"
    module: ejabberd_http
    backlog: 1024
    request_handlers:
      /api: mod_http_api
# Logins are checked by the service (external auth, never cached, so a refusal holds at once);
# mnesia keeps the accounts the connector registers (their random passwords are never used).
auth_method: [mnesia, external]
extauth_program: "${join(options.dir, 'extauth.sh')}"
extauth_pool_size: 2
auth_use_cache: false
auth_password_format: plain
disable_sasl_mechanisms: ["digest-md5", "x-oauth2", "scram-sha-1", "scram-sha-256", "scram-sha-512"]
acl:
  loopback:
    ip:
      - 127.0.0.0/8
access_rules:
  c2s:
    allow: all
api_permissions:
  "loopback admin":
    from:
      - ejabberd_ctl
      - mod_http_api
    who:
      - ip: 127.0.0.0/8
    what: "*"
shaper_rules:
  max_user_sessions: 100
modules:
  mod_admin_extra: {}
  mod_http_api: {}
  mod_roster: {}
  mod_shared_roster: {}
  mod_vcard: {}
  mod_ping: {}
`;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a throw-away ejabberd and waits until its HTTP API answers (~2 s). */
export async function startEjabberd(options: EjabberdOptions = {}): Promise<Ejabberd> {
  if (ejabberdMissing) throw new Error(`ejabberd cannot start: ${ejabberdMissing}`);
  const host = options.host ?? 'corp.example.test';
  const dir = await mkdtemp(join(tmpdir(), 'frisbee-ejabberd-'));
  // Ports the kernel just gave out for port 0 are ephemeral: another process's outgoing
  // connection can take one before ejabberd listens on it (a CI run saw it). The first start
  // then tries new ports (startWithFreshPorts below).
  let [c2sPort, httpPort] = [await freePort(), await freePort()];
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'crt.pem');
  await run(OPENSSL, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${host}`,
    '-addext',
    `subjectAltName=DNS:${host}`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  await writeFile(
    join(dir, 'cert.pem'),
    (await readFile(keyFile, 'utf8')) + (await readFile(certFile, 'utf8')),
    { mode: 0o600 },
  );
  const writeConfig = () =>
    writeFile(
      join(dir, 'ejabberd.yml'),
      config({ host, c2sPort, httpPort, dir, loglevel: options.loglevel ?? 'warning' }),
    );
  await writeConfig();
  // ejabberd runs the program without a shell environment of ours: a wrapper carries it.
  const tsx = import.meta.resolve('tsx');
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
  await writeFile(
    join(dir, 'extauth.sh'),
    [
      '#!/bin/sh',
      `export EXTAUTH_SERVICE_URL=${quote(options.serviceUrl ?? '')}`,
      `export EXTAUTH_CORE_API_KEY=${quote(options.coreApiKey ?? '')}`,
      `export EXTAUTH_HOSTS=${quote(host)}`,
      // How long a login waits for the service's answer (the program's default is 3 s).
      `export EXTAUTH_TIMEOUT_MS=${HTTP_ANSWER_MS}`,
      `exec ${quote(process.execPath)} --import ${quote(tsx)} ${quote(EXTAUTH)} 2>>${quote(join(dir, 'extauth.log'))}`,
      '',
    ].join('\n'),
  );
  await chmod(join(dir, 'extauth.sh'), 0o755);
  let apiUrl = `http://127.0.0.1:${httpPort}/api`;

  let child: ChildProcess | null = null;
  let output = '';
  const killOnExit = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
    }
  };
  process.once('exit', killOnExit);

  const command = async (
    name: string,
    args: Record<string, unknown> = {},
    timeoutMs: number = CORE_API_MS,
  ) => {
    const response = await fetch(`${apiUrl}/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body };
  };

  const stop = async (graceMs = GRACEFUL_EXIT_MS) => {
    const current = child;
    if (!current?.pid || current.exitCode !== null || current.signalCode !== null) return;
    process.kill(current.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (current.exitCode === null && current.signalCode === null && current.pid) {
        process.kill(current.pid, 'SIGKILL');
      }
    }, graceMs);
    await exited(current);
    clearTimeout(timer);
  };

  const logPath = join(dir, 'ejabberd.log');
  // The log from byte `from` on: a restart appends to the log of the starts before it.
  const logSince = async (from: number) =>
    (await readFile(logPath).catch(() => Buffer.alloc(0))).subarray(from).toString('utf8');

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    output = '';
    const logStart = (await stat(logPath).catch(() => null))?.size ?? 0;
    // `erl` execs erlexec, which execs beam.smp: the child's pid is the VM's. No -sname: no epmd.
    child = spawn(
      ERL,
      ['-noinput', '-noshell', '-mnesia', 'dir', `"${join(dir, 'spool')}"`, '-s', 'ejabberd'],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          EJABBERD_CONFIG_PATH: join(dir, 'ejabberd.yml'),
          EJABBERD_LOG_PATH: join(dir, 'ejabberd.log'),
          ERL_LIBS,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + EJABBERD_READY_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      // The VM outlives an application that failed to start: its log says so at once.
      if (START_FAILED.test(output) || START_FAILED.test(await logSince(logStart))) break;
      try {
        // Asked again and again until the deadline: one probe must not wait long on a port
        // that someone else holds.
        const { status, body } = await command('status', {}, STATUS_PROBE_MS);
        if (status === 200 && typeof body === 'string' && body.includes('started')) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const log = await logSince(logStart);
    await stop();
    throw new Error(`ejabberd did not start: ${output}\n${log.slice(-4000)}`);
  };

  // The first start only: a restart keeps its ports, which clients already hold.
  const startWithFreshPorts = async () => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await start();
        return;
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS || !/eaddrinuse/.test(String(error))) throw error;
        [c2sPort, httpPort] = [await freePort(), await freePort()];
        apiUrl = `http://127.0.0.1:${httpPort}/api`;
        await writeConfig();
      }
    }
  };

  let closed = false;
  const handle: Ejabberd = {
    host,
    get apiUrl() {
      return apiUrl;
    },
    get c2sPort() {
      return c2sPort;
    },
    dir,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null
        ? (child.pid ?? null)
        : null;
    },
    command,
    start,
    stop,
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    },
    async logTail() {
      return `${output}\n${(await logSince(0)).slice(-4000)}`;
    },
  };
  try {
    await startWithFreshPorts();
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    throw error;
  }
  return handle;
}
