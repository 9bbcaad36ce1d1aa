import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openText, SealedSecretError, sealText } from '../../server/shared/sealed.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView, SourceChangeView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';

/**
 * Issue 13, stored bind passwords and the variable prefix: a password is write-only (never in an
 * answer, an audit event or a readable column), a new bind target clears it, and no configuration
 * can make the service send a variable outside DIRECTORY_BIND_PASSWORD_* (or a stored password to
 * a host it was not typed for) — checked with a loopback listener that records what arrives.
 */

const STORED = 'Stored-Bind-Passw0rd-Ёж';
const ALLOWED_ENV = 'DIRECTORY_BIND_PASSWORD_LOOPBACK_TEST';
const ALLOWED_VALUE = 'Env-Bind-Passw0rd-for-loopback';

let context: TestContext;
let superadmin: ApiClient;
let created = 0;

/** A TCP listener standing in for a hostile "directory": records every byte, then hangs up. */
interface Listener {
  url: string;
  connections: number;
  received: () => Buffer;
  close: () => Promise<void>;
}

async function listen(): Promise<Listener> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // Hanging up at the first request ends the bind at once (no timer in the test).
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `ldap://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    received: () => Buffer.concat(chunks),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A connection aimed at `url` (plain LDAP, allowed explicitly for the loopback listener). */
const connectionTo = (url: string, extra: Record<string, unknown> = {}) => ({
  kind: 'ldap',
  url,
  allowPlain: true,
  bindDn: 'cn=svc,dc=corp,dc=example,dc=test',
  baseDn: 'dc=corp,dc=example,dc=test',
  timeoutMs: DIRECTORY_REQUEST_MS,
  ...extra,
});

function createSource(body: Record<string, unknown>) {
  created += 1;
  const id = `pw${Date.now().toString(36)}${created}`;
  return {
    id,
    response: superadmin.request<SourceChangeView & { code: string; errors?: unknown[] }>(
      'POST',
      '/api/v1/directory-sources',
      { body: { id, name: `Password test ${created}`, ...body } },
    ),
  };
}

const patch = (id: string, body: Record<string, unknown>) =>
  superadmin.request<SourceChangeView & { code: string; errors?: unknown[] }>(
    'PATCH',
    `/api/v1/directory-sources/${id}`,
    { body },
  );

const dryRun = (id: string) =>
  superadmin.request<RunView>('POST', `/api/v1/directory-sources/${id}/sync?wait=true`, {
    body: { mode: 'dry-run' },
  });

/** Every audit row of a source, as text (what a database administrator or an auditor reads). */
async function auditText(sourceId: string): Promise<string> {
  const { rows } = await context.services.pool.query(
    "select a.*::text as row from audit_event a where target_type = 'directory_source' and target_id = $1",
    [sourceId],
  );
  return rows.map((row: { row: string }) => row.row).join('\n');
}

async function auditDetails(sourceId: string): Promise<unknown[]> {
  const { rows } = await context.services.pool.query(
    "select details from audit_event where target_id = $1 and action = 'directory_source.updated' and outcome = 'success' order by seq",
    [sourceId],
  );
  // Without dual control's own notes (which request, how it was let through): test/configChanges.
  return rows.map((row: { details: Record<string, unknown> | null }) => {
    const { configChangeId: _id, dualControl: _how, ...rest } = row.details ?? {};
    return Object.keys(rest).length > 0 ? rest : null;
  });
}

beforeAll(async () => {
  process.env[ALLOWED_ENV] = ALLOWED_VALUE;
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api: superadmin } = await signedIn(context, 'superadmin'));
});

afterAll(async () => {
  delete process.env[ALLOWED_ENV];
  await drainRuns(context.services);
  await context.close();
});

describe('sealing', () => {
  it('opens only with the same key and context', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = sealText(key, STORED, 'a');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(STORED);
    expect(openText(key, sealed, 'a')).toBe(STORED);
    expect(() => openText(key, sealed, 'b')).toThrow(SealedSecretError);
    expect(() => openText(Buffer.alloc(32, 8), sealed, 'a')).toThrow(SealedSecretError);
    expect(() => openText(key, `${sealed.slice(0, -2)}AA`, 'a')).toThrow(SealedSecretError);
    expect(sealText(key, STORED, 'a')).not.toBe(sealed);
  });
});

describe('the environment-variable prefix', () => {
  const refused = [
    'SECRET_KEY',
    'DATABASE_URL',
    'HOME',
    'directory_bind_password_x',
    'DIRECTORY_BIND_PASSWORD_',
    'DIRECTORY_BIND_PASSWORDX',
    'DIRECTORY_BIND_PASSWORD_a',
  ];

  it('refuses any other variable before connecting, in API sources (create and change)', async () => {
    const listener = await listen();
    try {
      for (const name of refused) {
        const { response } = createSource({
          connection: connectionTo(listener.url, { bindPasswordEnv: name }),
        });
        const answer = await response;
        expect(answer.status, name).toBe(400);
        expect(answer.body.code).toBe('validation_failed');
        expect(answer.body.errors).toEqual([
          expect.objectContaining({
            path: 'connection.bindPasswordEnv',
            pointer: '#/connection/bindPasswordEnv',
            message: expect.stringContaining('DIRECTORY_BIND_PASSWORD_'),
          }),
        ]);
      }
      const { id, response } = createSource({
        connection: connectionTo(listener.url, { bindPasswordEnv: ALLOWED_ENV }),
      });
      expect((await response).status).toBe(201);
      const changed = await patch(id, { connection: { bindPasswordEnv: 'SECRET_KEY' } });
      expect(changed.status).toBe(400);
      expect(changed.body.errors).toEqual([
        expect.objectContaining({
          path: 'connection.bindPasswordEnv',
          message: expect.any(String),
        }),
      ]);
      expect(listener.connections).toBe(0);

      // The allowed variable: its value, and nothing else the service holds, reaches the host.
      const run = await dryRun(id);
      expect(run.body.status).toBe('failed');
      expect(listener.connections).toBe(1);
      const received = listener.received();
      expect(received.includes(Buffer.from(ALLOWED_VALUE))).toBe(true);
      const secretKey = context.services.config.secretKey ?? '';
      expect(secretKey.length).toBeGreaterThan(0);
      expect(received.includes(Buffer.from(secretKey))).toBe(false);
      expect(received.includes(Buffer.from(secretKey, 'base64'))).toBe(false);
      expect(received.includes(Buffer.from(context.databaseUrl))).toBe(false);
    } finally {
      await listener.close();
    }
  });

  it('refuses any other variable in config sources, naming the field', () => {
    const env = { DATABASE_URL: 'postgres://x/y', SECRET_KEY: 'a'.repeat(44) };
    const source = {
      id: 'corp',
      kind: 'ldap',
      url: 'ldaps://ldap.example.test',
      bindDn: 'cn=svc',
      baseDn: 'dc=example',
    };
    expect(() =>
      loadConfig(env, { directorySources: [{ ...source, bindPasswordEnv: 'SECRET_KEY' }] }),
    ).toThrow(/directorySources\.0\.bindPasswordEnv: must be the name .*DIRECTORY_BIND_PASSWORD_/);
    expect(() => loadConfig(env, { directorySources: [source] })).toThrow(
      /directorySources\.0\.bindPasswordEnv: a configured source needs bindPasswordEnv/,
    );
    expect(
      loadConfig(env, {
        directorySources: [{ ...source, bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_CORP' }],
      }).directorySources[0]?.bindPasswordEnv,
    ).toBe('DIRECTORY_BIND_PASSWORD_CORP');
  });
});

describe('stored bind password', () => {
  it('is write-only: set, shown only as set, never in an answer, the audit log or the row', async () => {
    const listener = await listen();
    try {
      const { id, response } = createSource({
        connection: connectionTo(listener.url),
        bindPassword: STORED,
      });
      const answer = await response;
      expect(answer.status, answer.text).toBe(201);
      expect(answer.body).toMatchObject({
        bindPasswordSet: true,
        bindPasswordChange: 'set',
        bindPasswordChangedAt: expect.any(String),
      });
      expect(answer.body.connection).not.toHaveProperty('bindPasswordEnv');
      const got = await superadmin.request('GET', `/api/v1/directory-sources/${id}`);
      const list = await superadmin.request('GET', '/api/v1/directory-sources');
      for (const text of [answer.text, got.text, list.text]) {
        expect(text).not.toContain(STORED);
        expect(text).not.toContain('v1.');
      }
      expect(got.body).toMatchObject({ bindPasswordSet: true });
      const { rows } = await context.services.pool.query(
        'select d.*::text as row, bind_password_sealed as sealed from directory_source d where id = $1',
        [id],
      );
      expect(rows[0].sealed).toMatch(/^v1\./);
      expect(rows[0].row).not.toContain(STORED);
      const audit = await auditText(id);
      expect(audit).toContain('directory_source.created');
      expect(audit).toContain('""bindPasswordChange"": ""set""');
      expect(audit).not.toContain(STORED);
      expect(audit).not.toContain(rows[0].sealed);

      // The reader opens it for the bind: the (right) host receives it.
      await dryRun(id);
      expect(listener.received().includes(Buffer.from(STORED))).toBe(true);
    } finally {
      await listener.close();
    }
  });

  it('is replaced or cleared only explicitly; other changes keep it', async () => {
    const { id, response } = createSource({
      connection: connectionTo('ldaps://ldap.example.test', { allowPlain: false }),
      bindPassword: STORED,
    });
    const first = (await response).body;
    const kept = await patch(id, {
      name: 'Renamed',
      connection: { baseDn: 'ou=people,dc=corp,dc=example,dc=test', timeoutMs: 1000 },
    });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body).toMatchObject({
      bindPasswordSet: true,
      bindPasswordChange: null,
      bindPasswordChangedAt: first.bindPasswordChangedAt,
    });
    context.setNow(new Date(Date.now() + 60_000));
    try {
      const replaced = await patch(id, { bindPassword: 'Another-Passw0rd' });
      expect(replaced.body).toMatchObject({ bindPasswordSet: true, bindPasswordChange: 'set' });
      expect(replaced.body.bindPasswordChangedAt).not.toBe(first.bindPasswordChangedAt);
      const cleared = await patch(id, { bindPassword: null });
      expect(cleared.body).toMatchObject({ bindPasswordSet: false, bindPasswordChange: 'cleared' });
    } finally {
      context.setNow(undefined);
    }
    expect(await auditDetails(id)).toEqual([
      null,
      { bindPasswordChange: 'set' },
      { bindPasswordChange: 'cleared' },
    ]);
    expect(await auditText(id)).not.toContain('Another-Passw0rd');

    const empty = await patch(id, { bindPassword: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([
      expect.objectContaining({
        path: 'bindPassword',
        pointer: '#/bindPassword',
        code: 'required',
      }),
    ]);
    const inConnection = await patch(id, { connection: { bindPassword: STORED } });
    expect(inConnection.status).toBe(400);
    expect(inConnection.body.code).toBe('unknown_field');
    expect(inConnection.text).not.toContain(STORED);
  });

  it('is one per source: stored or from a variable, not both', async () => {
    const both = createSource({
      connection: connectionTo('ldaps://ldap.example.test', {
        allowPlain: false,
        bindPasswordEnv: ALLOWED_ENV,
      }),
      bindPassword: STORED,
    });
    const refused = await both.response;
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('bind_password_conflict');
    expect(refused.text).not.toContain(STORED);

    const { id, response } = createSource({
      connection: connectionTo('ldaps://ldap.example.test', {
        allowPlain: false,
        bindPasswordEnv: ALLOWED_ENV,
      }),
    });
    expect((await response).status).toBe(201);
    expect((await patch(id, { bindPassword: STORED })).body.code).toBe('bind_password_conflict');
    const switched = await patch(id, {
      connection: { bindPasswordEnv: null },
      bindPassword: STORED,
    });
    expect(switched.status, switched.text).toBe(200);
    expect(switched.body.bindPasswordSet).toBe(true);
    expect(switched.body.connection).not.toHaveProperty('bindPasswordEnv');
  });
});

describe('a new bind target clears the password (scope 8)', () => {
  const target = (url: string) =>
    connectionTo(url, {
      allowPlain: false,
      startTls: true,
      tls: { rejectUnauthorized: true },
    });
  const changes: [string, Record<string, unknown>][] = [
    ['the URL', { url: 'ldap://elsewhere.example.test' }],
    ['the bind DN', { bindDn: 'cn=other,dc=corp,dc=example,dc=test' }],
    ['TLS verification', { tls: { rejectUnauthorized: false } }],
    ['StartTLS', { startTls: false, allowPlain: true }],
  ];

  for (const [what, change] of changes)
    it(`changing ${what} clears it; the answer and the audit event say so`, async () => {
      const { id, response } = createSource({
        connection: target('ldap://dc.example.test'),
        bindPassword: STORED,
      });
      expect((await response).status).toBe(201);
      const changed = await patch(id, { connection: change });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body).toMatchObject({
        bindPasswordSet: false,
        bindPasswordChange: 'cleared_connection_changed',
      });
      expect(await auditDetails(id)).toEqual([
        { bindPasswordChange: 'cleared_connection_changed' },
      ]);
      const { rows } = await context.services.pool.query(
        'select bind_password_sealed from directory_source where id = $1',
        [id],
      );
      expect(rows[0].bind_password_sealed).toBeNull();
    });

  it('a password typed with the new target is kept', async () => {
    const { id, response } = createSource({
      connection: target('ldap://dc.example.test'),
      bindPassword: STORED,
    });
    expect((await response).status).toBe(201);
    const changed = await patch(id, {
      connection: { url: 'ldap://dc2.example.test' },
      bindPassword: 'Typed-Again-1',
    });
    expect(changed.body).toMatchObject({ bindPasswordSet: true, bindPasswordChange: 'set' });
  });

  it('a variable name is dropped too unless the same request names it again', async () => {
    const { id, response } = createSource({
      connection: target('ldap://dc.example.test'),
    });
    expect((await response).status).toBe(201);
    await patch(id, { connection: { bindPasswordEnv: ALLOWED_ENV } });
    const moved = await patch(id, { connection: { url: 'ldap://dc2.example.test' } });
    expect(moved.body).toMatchObject({ bindPasswordChange: 'cleared_connection_changed' });
    expect(moved.body.connection).not.toHaveProperty('bindPasswordEnv');
    const restated = await patch(id, {
      connection: { url: 'ldap://dc3.example.test', bindPasswordEnv: ALLOWED_ENV },
    });
    expect(restated.body).toMatchObject({ bindPasswordChange: null });
    expect(restated.body.connection).toMatchObject({ bindPasswordEnv: ALLOWED_ENV });
  });

  it('a stored password never reaches the host the source was moved to', async () => {
    const first = await listen();
    const second = await listen();
    try {
      const { id, response } = createSource({
        connection: connectionTo(first.url),
        bindPassword: STORED,
      });
      expect((await response).status).toBe(201);
      const moved = await patch(id, { connection: { url: second.url } });
      expect(moved.body.bindPasswordChange).toBe('cleared_connection_changed');
      const run = await dryRun(id);
      expect(run.body.status).toBe('failed');
      expect(run.body.error).toMatch(/no bind password/);
      // The console translates the run's error by its code; the reason is the English detail.
      expect(run.body).toMatchObject({
        errorCode: 'run_read_failed',
        errorParams: { reason: expect.stringMatching(/no bind password/) },
      });
      expect(second.received().includes(Buffer.from(STORED))).toBe(false);
      expect(first.connections).toBe(0);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a sealed password copied to another source does not open there', async () => {
    const listener = await listen();
    try {
      const a = createSource({ connection: connectionTo(listener.url), bindPassword: STORED });
      const b = createSource({ connection: connectionTo(listener.url), bindPassword: 'other' });
      expect((await a.response).status).toBe(201);
      expect((await b.response).status).toBe(201);
      await context.services.pool.query(
        'update directory_source set bind_password_sealed = (select bind_password_sealed from directory_source where id = $1) where id = $2',
        [a.id, b.id],
      );
      const run = await dryRun(b.id);
      expect(run.body.status).toBe('failed');
      expect(listener.received().includes(Buffer.from(STORED))).toBe(false);
    } finally {
      await listener.close();
    }
  });
});
