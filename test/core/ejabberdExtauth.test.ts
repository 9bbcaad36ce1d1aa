import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config.ts';
import {
  encodeResult,
  parseRequest,
  readFrames,
} from '../../server/core/connectors/ejabberd/extauthProtocol.ts';
import { startCorePort } from '../../server/corePort/start.ts';
import { hashPassword } from '../../server/identity/passwords.ts';
import { freePort } from '../../server/shared/freePort.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { messengerLogIn } from '../identity/messengerFlow.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { HTTP_ANSWER_MS, NEVER_ANSWERS_MS } from '../support/timeouts.ts';
import { coreKey } from './deviceSessions.ts';

const key = coreKey('extauth');
let context: TestContext;
const children: ChildProcess[] = [];

function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/**
 * The external-auth program as ejabberd runs it, talking the protocol on stdin/stdout. It waits
 * for the service's answers generously (its default is 3 s) unless `env` says otherwise.
 */
function program(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/core/connectors/ejabberd/extauth.ts'],
    {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', EXTAUTH_TIMEOUT_MS: String(HTTP_ANSWER_MS), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    output = Buffer.concat([output, chunk]);
    for (const wake of waiters.splice(0)) wake();
  });
  /** Writes raw bytes; resolves with the next `count` answers (true/false). */
  const ask = async (bytes: Buffer, count = 1): Promise<boolean[]> => {
    child.stdin?.write(bytes);
    while (output.length < count * 4) await new Promise<void>((resolve) => waiters.push(resolve));
    const answers: boolean[] = [];
    for (let i = 0; i < count; i += 1) {
      expect(output.readUInt16BE(i * 4)).toBe(2);
      answers.push(output.readUInt16BE(i * 4 + 2) === 1);
    }
    output = output.subarray(count * 4);
    return answers;
  };
  return { child, ask };
}

beforeAll(async () => {
  context = await startTestContext({ core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] } });
});
afterAll(async () => {
  for (const child of children) if (child.pid && child.exitCode === null) child.kill('SIGKILL');
  await context.close();
});

describe('the extauth protocol', () => {
  it('splits length-prefixed frames, keeps partial ones, and keeps colons in passwords', () => {
    const bytes = Buffer.concat([
      frame('auth:alice:corp.example.test:a:b:c'),
      frame('isuser:bob:h'),
    ]);
    const { frames, rest } = readFrames(Buffer.concat([bytes, bytes.subarray(0, 5)]));
    expect(frames.map((f) => parseRequest(f))).toEqual([
      { op: 'auth', user: 'alice', server: 'corp.example.test', password: 'a:b:c' },
      { op: 'isuser', user: 'bob', server: 'h' },
    ]);
    expect(rest.length).toBe(5);
    expect(parseRequest(Buffer.from('setpass:a:h:p'))).toEqual({ op: 'other', name: 'setpass' });
    expect([...encodeResult(true)]).toEqual([0, 2, 0, 1]);
    expect([...encodeResult(false)]).toEqual([0, 2, 0, 0]);
  });
});

describe('the external-auth program', () => {
  it('says yes only to a live token of that very person, asking the service every time', async () => {
    const person = await backofficePerson(context, null, {}, GOOD_PASSWORD);
    const other = await backofficePerson(context, null, {
      passwordHash: await hashPassword(GOOD_PASSWORD),
    });
    const login = await messengerLogIn(context, person.username as string);
    const { ask } = program({
      EXTAUTH_SERVICE_URL: context.baseUrl,
      EXTAUTH_CORE_API_KEY: key.key,
      EXTAUTH_HOSTS: 'corp.example.test',
    });
    const auth = (user: string, token: string, host = 'corp.example.test') =>
      frame(`auth:${user}:${host}:${token}`);
    expect(await ask(auth(person.username as string, login.token))).toEqual([true]);
    // Case does not matter to XMPP (nodeprep) nor to the service.
    expect(await ask(auth((person.username as string).toUpperCase(), login.token))).toEqual([true]);
    expect(await ask(auth(other.username as string, login.token))).toEqual([false]);
    expect(await ask(auth(person.username as string, `${login.token}x`))).toEqual([false]);
    expect(await ask(auth(person.username as string, login.token, 'other.host'))).toEqual([false]);
    expect(await ask(frame(`isuser:${person.username}:corp.example.test`))).toEqual([false]);
    expect(await ask(frame(`setpass:${person.username}:corp.example.test:pw`))).toEqual([false]);
    expect(await ask(frame(`tryregister:x:corp.example.test:pw`))).toEqual([false]);

    // Several requests in one write, and one split across writes, answered in order.
    const two = Buffer.concat([
      auth(person.username as string, 'bad'),
      auth(person.username as string, login.token),
    ]);
    expect(await ask(two, 2)).toEqual([false, true]);
    const one = auth(person.username as string, login.token);
    const first = ask(one.subarray(0, 3));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rest = ask(one.subarray(3), 0);
    expect(await first).toEqual([true]);
    await rest;

    // Revoked at the service: refused at once (no cache).
    await context.services.pool.query(
      'update device_session set revoked_at = now() where id = $1',
      [login.sessionId],
    );
    expect(await ask(auth(person.username as string, login.token))).toEqual([false]);
  });

  it("works the same against the core's own port (core.listen)", async () => {
    const { config } = context.services;
    const corePort = await startCorePort(
      {
        ...context.services,
        config: { ...config, core: { ...config.core, listen: { port: 0, host: '127.0.0.1' } } },
      },
      context.runtimeUrl,
    );
    if (!corePort) throw new Error('the port must start');
    try {
      const person = await backofficePerson(context, null, {}, GOOD_PASSWORD);
      const login = await messengerLogIn(context, person.username as string);
      const { ask } = program({
        EXTAUTH_SERVICE_URL: `http://127.0.0.1:${corePort.port}`,
        EXTAUTH_CORE_API_KEY: key.key,
        EXTAUTH_HOSTS: 'corp.example.test',
      });
      const auth = (token: string) => frame(`auth:${person.username}:corp.example.test:${token}`);
      expect(await ask(auth(login.token))).toEqual([true]);
      expect(await ask(auth(`${login.token}x`))).toEqual([false]);
      await context.services.pool.query(
        'update device_session set revoked_at = now() where id = $1',
        [login.sessionId],
      );
      expect(await ask(auth(login.token))).toEqual([false]);
    } finally {
      await corePort.stop();
    }
  });

  it('fails closed: a wrong core key, an unreachable service, or no configuration refuse every login', async () => {
    const person = await backofficePerson(context, null);
    const login = await messengerLogIn(context, person.username as string);
    const request = frame(`auth:${person.username}:corp.example.test:${login.token}`);
    const wrongKey = program({
      EXTAUTH_SERVICE_URL: context.baseUrl,
      EXTAUTH_CORE_API_KEY: 'nope',
    });
    expect(await wrongKey.ask(request)).toEqual([false]);
    const down = program({
      EXTAUTH_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      EXTAUTH_CORE_API_KEY: key.key,
      EXTAUTH_TIMEOUT_MS: String(NEVER_ANSWERS_MS),
    });
    expect(await down.ask(request)).toEqual([false]);
    const unconfigured = program({});
    expect(await unconfigured.ask(request)).toEqual([false]);
    // And exits when ejabberd closes its stdin.
    const exited = new Promise<number | null>((resolve) =>
      unconfigured.child.once('exit', resolve),
    );
    unconfigured.child.stdin?.end();
    expect(await exited).toBe(0);
  });
});
