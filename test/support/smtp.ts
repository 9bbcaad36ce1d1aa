import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';

/** A mail the test server accepted, decoded enough for assertions. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as it came over DATA. */
  raw: string;
  subject: string;
  messageId: string;
  /** Decoded text/plain and text/html parts ('' when missing). */
  text: string;
  html: string;
  /** The SMTP session was TLS (STARTTLS) and authenticated as this user. */
  secure: boolean;
  user: string | null;
}

/** A throw-away SMTP server on loopback: STARTTLS, AUTH PLAIN, messages kept in memory. */
export interface TestSmtpServer {
  host: string;
  port: number;
  /** PEM of the self-signed certificate, to hand to the service as its CA. */
  ca: string;
  user: string;
  password: string;
  received: ReceivedMail[];
  /** Logins tried, with whether they were accepted. */
  logins: { user: string; ok: boolean; secure: boolean }[];
  /** The next `times` messages are refused at the end of DATA with `code` (451, 550, …). */
  refuseNext(code: number, times?: number): void;
  /**
   * Holds the answer to the next messages' DATA until `release()` (a mail "in flight"); a held
   * message whose connection closes before release is never recorded, like a real relay's.
   */
  hold(): { held: () => number; heldAndCut: () => number; release: () => void };
  close(): Promise<void>;
}

/** RFC 2047 encoded words (runs of them, joined: a character may span two words). */
function decodeHeader(value: string): string {
  const unfolded = value.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded.replace(
    /(=\?[^?]+\?[BbQq]\?[^?]*\?=)(\s+=\?[^?]+\?[BbQq]\?[^?]*\?=)*/g,
    (run) => {
      const bytes: number[] = [];
      for (const [, , kind, data] of run.matchAll(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g)) {
        if (kind?.toUpperCase() === 'B') bytes.push(...Buffer.from(data ?? '', 'base64'));
        else bytes.push(...qpBytes((data ?? '').replace(/_/g, ' ')));
      }
      return Buffer.from(bytes).toString('utf8');
    },
  );
}

function qpBytes(text: string): number[] {
  const bytes: number[] = [];
  const source = Buffer.from(text, 'utf8');
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    if (byte === 0x3d && /^[0-9A-Fa-f]{2}$/.test(source.subarray(i + 1, i + 3).toString())) {
      bytes.push(Number.parseInt(source.subarray(i + 1, i + 3).toString(), 16));
      i += 2;
    } else bytes.push(byte);
  }
  return bytes;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const index = raw.indexOf('\r\n\r\n');
  const head = index < 0 ? raw : raw.slice(0, index);
  const body = index < 0 ? '' : raw.slice(index + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable')
    return Buffer.from(qpBytes(part.body.replace(/=\r\n/g, ''))).toString('utf8');
  return part.body;
}

/** Finds the text/plain and text/html parts of a (possibly nested) multipart message. */
function bodies(part: Part, out: { text: string; html: string }): void {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const pieces = part.body.split(`--${boundary}`).slice(1);
    for (const piece of pieces) {
      if (piece.startsWith('--')) break;
      bodies(splitPart(piece.replace(/^\r\n/, '')), out);
    }
  } else if (/^text\/html/i.test(type)) out.html = decodeBody(part);
  else if (/^text\/plain/i.test(type)) out.text = decodeBody(part);
}

/** Decodes a message as received over SMTP. */
export function parseMail(
  raw: string,
): Pick<ReceivedMail, 'subject' | 'messageId' | 'text' | 'html'> {
  const top = splitPart(raw);
  const out = { text: '', html: '' };
  bodies(top, out);
  return {
    subject: decodeHeader(top.headers.get('subject') ?? ''),
    messageId: top.headers.get('message-id') ?? '',
    ...out,
  };
}

/** A self-signed certificate for 127.0.0.1 / localhost (key and certificate PEM). */
async function selfSigned(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'frisbee-smtp-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await run(OPENSSL, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts a real SMTP server (the `smtp-server` package) on a loopback port: STARTTLS with a
 * throw-away certificate, AUTH PLAIN required (and refused over a plain connection, the
 * package's default), every accepted message kept for the test to read.
 */
export async function startSmtpServer(
  credentials: { user: string; password: string } = {
    user: 'frisbee-mailer',
    password: 'smtp-Pa55-word-never-shown',
  },
): Promise<TestSmtpServer> {
  const { key, cert } = await selfSigned();
  const received: ReceivedMail[] = [];
  const logins: TestSmtpServer['logins'] = [];
  const refusals: number[] = [];
  const closed = new Set<string>();
  let holding = false;
  let held: (() => void)[] = [];
  let heldCount = 0;
  const heldSessions: string[] = [];

  const server = new SMTPServer({
    secure: false,
    key,
    cert,
    authMethods: ['PLAIN'],
    logger: false,
    banner: 'frisbee test relay',
    onAuth(auth, session, callback) {
      const ok = auth.username === credentials.user && auth.password === credentials.password;
      logins.push({ user: auth.username ?? '', ok, secure: session.secure });
      if (!ok) callback(new SmtpReply(535, 'Authentication failed'));
      else callback(null, { user: auth.username });
    },
    onClose(session: SMTPServerSession) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const answer = () => {
          if (closed.has(session.id)) return callback(new SmtpReply(421, 'gone'));
          const code = refusals.shift();
          if (code !== undefined)
            return callback(new SmtpReply(code, `refused by the test (${code})`));
          const raw = Buffer.concat(chunks).toString('utf8');
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            ...parseMail(raw),
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : null,
          });
          callback(null, 'queued as test');
        };
        if (!holding) return answer();
        heldCount += 1;
        heldSessions.push(session.id);
        held.push(answer);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    ca: cert,
    user: credentials.user,
    password: credentials.password,
    received,
    logins,
    refuseNext(code, times = 1) {
      for (let i = 0; i < times; i++) refusals.push(code);
    },
    hold() {
      holding = true;
      return {
        held: () => heldCount,
        heldAndCut: () => heldSessions.filter((id) => closed.has(id)).length,
        release: () => {
          holding = false;
          const waiting = held;
          held = [];
          for (const answer of waiting) answer();
        },
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The `mail` configuration that points the service at a test server (password: see below). */
export function mailConfigFor(smtp: TestSmtpServer, timeoutMs: number) {
  return {
    smtp: {
      host: smtp.host,
      port: smtp.port,
      security: 'starttls',
      user: smtp.user,
      tls: { ca: smtp.ca },
      timeoutMs,
    },
    from: 'noreply@corp.example.test',
    replyTo: 'helpdesk@corp.example.test',
    companyName: 'ООО «Ромашка» & Co',
  };
}
