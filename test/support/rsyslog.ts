import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SiemConfig } from '../../server/shared/config/siem.ts';
import { freePort } from '../../server/shared/freePort.ts';
import { GRACEFUL_EXIT_MS, RSYSLOG_READY_MS, waitUntil } from './timeouts.ts';

/**
 * A throw-away rsyslog 8.2302 (Debian's `rsyslog` + `rsyslog-gnutls`) as the company's SIEM: its
 * own config (`-n -f FILE -i PIDFILE`), a throw-away CA and server certificate made with openssl,
 * imtcp with the gtls driver on a free loopback port (RFC 5425: octet-counted frames over TLS),
 * and every received message written raw, one per line, to a file the test reads. The ruleset
 * runs its action directly (no in-memory queue), so what rsyslog has read is on disk before it
 * reads on: the receiver configuration docs/siem.md recommends. Stopped by pid, always.
 */

const run = promisify(execFile);
const RSYSLOGD = '/usr/sbin/rsyslogd';
const OPENSSL = '/usr/bin/openssl';
const GTLS = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';

/** Why rsyslog cannot be started here, or null when it can. */
export const rsyslogMissing: string | null = (() => {
  const missing = [RSYSLOGD, OPENSSL, GTLS].filter((path) => !existsSync(path));
  return missing.length > 0 ? `${missing.join(', ')} not found` : null;
})();

/**
 * Whether the rsyslog suites run. On CI (`CI` set) a missing rsyslog is an error, thrown at
 * import; elsewhere the suite is skipped with a loud message.
 */
export const rsyslogAvailable: boolean = (() => {
  if (!rsyslogMissing) return true;
  const message = `rsyslog tests cannot run: ${rsyslogMissing}. Install: apt-get install -y rsyslog rsyslog-gnutls`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!!!! SKIPPING: ${message}\n`);
  return false;
})();

/** A running (or stopped) throw-away rsyslog. */
export interface Rsyslog {
  readonly port: number;
  /** The CA (PEM) the server certificate chains to, for the service's `siem.ca`. */
  readonly ca: string;
  /** The name in the server certificate (`siem.serverName`). */
  readonly serverName: string;
  readonly dir: string;
  /** The pid of the running rsyslogd (null when stopped). */
  readonly pid: number | null;
  /** Every message received so far, one raw RFC 5424 message per entry. */
  received(): Promise<string[]>;
  /** Starts rsyslog again (same port, same file) after {@link kill} or {@link stop}. */
  start(): Promise<void>;
  /** Kills it by pid with SIGKILL, as a crash would: no flush, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM by pid; SIGKILL after {@link GRACEFUL_EXIT_MS}. */
  stop(): Promise<void>;
  /** Stops it and removes its folder. Safe to call twice. */
  close(): Promise<void>;
}

/** The `siem` settings of a stream into this rsyslog, quick to poll and to retry. */
export function streamSettings(rsyslog: Rsyslog): Partial<SiemConfig> {
  return {
    host: '127.0.0.1',
    port: rsyslog.port,
    ca: rsyslog.ca,
    serverName: rsyslog.serverName,
    hostname: 'backoffice-test',
    appName: 'frisbee-test',
    batchSize: 25,
    resendWindow: 25,
    pollIntervalMs: 50,
    retryDelayMs: 100,
    maxRetryDelayMs: 2000,
  };
}

function config(dir: string, port: number): string {
  return `
global(
  workDirectory="${dir}/work"
  maxMessageSize="256k"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${dir}/ca.pem"
  defaultNetstreamDriverCertFile="${dir}/server.pem"
  defaultNetstreamDriverKeyFile="${dir}/server.key"
)
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="siem" queue.type="Direct") {
  action(type="omfile" file="${dir}/received.log" template="raw" flushOnTXEnd="on" asyncWriting="off")
}
input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="siem")
`;
}

async function makeCertificates(dir: string, serverName: string): Promise<void> {
  const file = (name: string) => join(dir, name);
  await run(OPENSSL, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Test SIEM CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  ]);
  await run(OPENSSL, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${serverName}`,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  ]);
  await writeFile(
    file('server.ext'),
    `subjectAltName=DNS:${serverName},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`,
  );
  await run(OPENSSL, [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Where an RFC 5424 message starts: `<PRI>1 ` and the year of its timestamp.
const HEADER = /<\d{1,3}>1 \d{4}-/g;

/**
 * The complete messages in rsyslog's output file. The file is read while rsyslog writes it, so
 * the last line may still be growing (only newline-terminated lines count), and a receiver
 * killed in the middle of a write leaves a torn message that the next one is appended to: such a
 * line is cut at every message header and only the parts that end as a message ends (the JSON
 * MSG's closing brace) are kept. What a crash tore is the receiver's loss; the stream's resend
 * window is what brings the message again.
 */
export function completeMessages(text: string): string[] {
  const lines = text.split('\n').slice(0, -1);
  const messages: string[] = [];
  for (const line of lines) {
    const starts = [...line.matchAll(HEADER)].map((match) => match.index ?? 0);
    starts.forEach((start, index) => {
      const part = line.slice(start, starts[index + 1] ?? line.length);
      if (part.endsWith('}')) messages.push(part);
    });
  }
  return messages;
}

/** Starts a throw-away rsyslog with a TLS syslog input on a free loopback port. */
export async function startRsyslog(): Promise<Rsyslog> {
  if (rsyslogMissing) throw new Error(`rsyslog cannot start: ${rsyslogMissing}`);
  const dir = await mkdtemp(join(tmpdir(), 'frisbee-rsyslog-'));
  await mkdir(join(dir, 'work'));
  const port = await freePort();
  const serverName = 'siem.test';
  await makeCertificates(dir, serverName);
  const ca = await readFile(join(dir, 'ca.pem'), 'utf8');
  const configFile = join(dir, 'rsyslog.conf');
  await writeFile(configFile, config(dir, port));
  const logFile = join(dir, 'received.log');
  let child: ChildProcess | null = null;
  let output = '';

  const exited = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  const rsyslog: Rsyslog = {
    port,
    serverName,
    dir,
    ca,
    get pid() {
      return child?.pid ?? null;
    },
    async received() {
      const text = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
      return completeMessages(text);
    },
    async start() {
      if (child) return;
      const proc = spawn(RSYSLOGD, ['-n', '-f', configFile, '-i', join(dir, 'rsyslogd.pid')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      proc.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      proc.once('exit', () => {
        if (child === proc) child = null;
      });
      await waitUntil(`rsyslog listening on ${port} (output: ${output})`, RSYSLOG_READY_MS, () => {
        if (child !== proc) throw new Error(`rsyslogd exited: ${output}`);
        return accepts(port);
      });
    },
    async kill() {
      const proc = child;
      if (!proc?.pid) return;
      process.kill(proc.pid, 'SIGKILL');
      await exited(proc);
      child = null;
    },
    async stop() {
      const proc = child;
      if (!proc?.pid) return;
      process.kill(proc.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (proc.pid && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
      }, GRACEFUL_EXIT_MS);
      await exited(proc);
      clearTimeout(timer);
      child = null;
    },
    async close() {
      await rsyslog.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await rsyslog.start();
  return rsyslog;
}
