import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import { testDirectoryConnection } from '../../server/sources/ldap/connectionTest.ts';
import {
  CONNECTION_TEST_MESSAGES,
  CONNECTION_TEST_STEPS,
} from '../../server/sources/ldap/connectionTestCodes.ts';
import type { ConnectionTestView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type OpenLdap, slapdAvailable, startOpenLdap } from '../support/openldap.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople } from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';

/**
 * Issue 13, scope item 2: "Test connection and preview" through the API against real Samba AD
 * and OpenLDAP, and against hosts that do not resolve, refuse or never answer. Every step is
 * reported in order with a stable code; the first failure of dns/tcp/tls/bind skips the rest;
 * the bind password is in no answer, audit row or log line.
 */

const PASSWORD = 'Conn-Test-Passw0rd-Ёж!';
const WRONG = 'Wrong-Passw0rd-Zz9!';
const SVC_PASSWORD = 'Svc-ConnTest-Passw0rd!';

let context: TestContext;
let superadmin: ApiClient;
const logLines: string[] = [];
let created = 0;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  // Every log line of the service, at every level, to look for the password in.
  context.services.logger = createLogger('trace', { write: (line: string) => logLines.push(line) });
  ({ api: superadmin } = await signedIn(context, 'superadmin'));
});

afterAll(async () => {
  await context?.close();
});

/** Defines an API source with a stored password; answers its id. */
async function defineSource(
  connection: Record<string, unknown>,
  bindPassword: string | null = PASSWORD,
): Promise<string> {
  created += 1;
  const id = `ct${Date.now().toString(36)}${created}`;
  const response = await superadmin.request('POST', '/api/v1/directory-sources', {
    body: {
      id,
      name: `Connection test ${created}`,
      connection: { timeoutMs: DIRECTORY_REQUEST_MS, ...connection },
      ...(bindPassword === null ? {} : { bindPassword }),
    },
  });
  expect(response.status, response.text).toBe(201);
  return id;
}

async function testSource(id: string, body: Record<string, unknown> = {}, api = superadmin) {
  return api.request<ConnectionTestView & { code?: string }>(
    'POST',
    `/api/v1/directory-sources/${id}/test`,
    { body },
  );
}

const codes = (result: ConnectionTestView) =>
  Object.fromEntries(result.steps.map((step) => [step.step, step.code]));

/** Every step after `step` is skipped. */
function restSkipped(result: ConnectionTestView, step: string): void {
  const index = result.steps.findIndex((entry) => entry.step === step);
  for (const later of result.steps.slice(index + 1))
    expect(later, later.step).toMatchObject({ ok: false, code: 'skipped' });
}

async function auditRows(id: string): Promise<{ outcome: string; row: string }[]> {
  const { rows } = await context.services.pool.query<{ outcome: string; row: string }>(
    "select outcome, a.*::text as row from audit_event a where action = 'directory_source.tested' and target_id = $1 order by seq",
    [id],
  );
  return rows;
}

/** A listener that accepts connections and never answers (a black hole past TCP). */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const silent = await silentServer();
  await silent.close();
  return silent.port;
}

const generic = (url: string, extra: Record<string, unknown> = {}) => ({
  kind: 'ldap',
  url,
  allowPlain: true,
  bindDn: 'cn=svc,dc=corp,dc=example,dc=test',
  baseDn: 'dc=corp,dc=example,dc=test',
  ...extra,
});

describe('connection test: the contract and hosts that cannot be reached', () => {
  it('every code has its English and Russian text in docs/directory-sync.md', () => {
    const docs = readFileSync(new URL('../../docs/directory-sync.md', import.meta.url), 'utf8');
    for (const [code, english] of Object.entries(CONNECTION_TEST_MESSAGES)) {
      const row = docs.split('\n').find((line) => new RegExp(`^\\| +\`${code}\` +\\|`).test(line));
      expect(row, code).toBeDefined();
      expect(row, code).toContain(english);
      // English, then a Russian column with Cyrillic in it.
      expect(row?.split('|').length, code).toBeGreaterThanOrEqual(6);
      expect(row, code).toMatch(/[А-Яа-яЁё]/);
    }
  });

  it('an unresolvable host: dns_failed, every later step skipped', async () => {
    const id = await defineSource(generic('ldap://nonexistent.invalid'));
    const response = await testSource(id);
    expect(response.status, response.text).toBe(200);
    expect(response.body.ok).toBe(false);
    expect(response.body.steps.map((step) => step.step)).toEqual([...CONNECTION_TEST_STEPS]);
    expect(response.body.steps[0]).toMatchObject({
      step: 'dns',
      ok: false,
      code: 'dns_failed',
      params: { host: 'nonexistent.invalid' },
    });
    restSkipped(response.body, 'dns');
    expect(response.body.preview).toEqual([]);
  });

  it('a port nobody listens on: tcp_refused', async () => {
    const port = await closedPort();
    const id = await defineSource(generic(`ldap://127.0.0.1:${port}`));
    const response = await testSource(id);
    expect(response.status, response.text).toBe(200);
    expect(codes(response.body)).toMatchObject({ dns: 'dns_ip_address', tcp: 'tcp_refused' });
    expect(response.body.steps[1]?.params).toMatchObject({ address: '127.0.0.1', port });
    restSkipped(response.body, 'tcp');
  });

  it('no password stored: bind_no_password, and nothing is sent', async () => {
    const silent = await silentServer();
    try {
      const id = await defineSource(generic(`ldap://127.0.0.1:${silent.port}`), null);
      const response = await testSource(id);
      expect(codes(response.body)).toMatchObject({
        tcp: 'tcp_connected',
        tls: 'tls_not_used',
        bind: 'bind_no_password',
      });
      restSkipped(response.body, 'bind');
    } finally {
      await silent.close();
    }
  });

  it('a server that never answers: the bind times out within the step cap', async () => {
    const silent = await silentServer();
    try {
      const source = directorySourceSchema.parse({
        ...generic(`ldap://127.0.0.1:${silent.port}`),
        id: 'silent',
        bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_CONN_TEST_SILENT',
      });
      const result = await testDirectoryConnection(source, {
        env: { DIRECTORY_BIND_PASSWORD_CONN_TEST_SILENT: PASSWORD },
        stepTimeoutMs: 300,
      });
      expect(codes(result)).toMatchObject({ tcp: 'tcp_connected', bind: 'bind_timeout' });
      expect(result.steps[3]?.params).toMatchObject({ timeoutMs: 300 });
      restSkipped(result, 'bind');
    } finally {
      await silent.close();
    }
  });

  it('a strict body; 404 for an unknown source; 401 without a session', async () => {
    const port = await closedPort();
    const id = await defineSource(generic(`ldap://127.0.0.1:${port}`));
    const unknownField = await testSource(id, { password: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.headers.get('content-type')).toContain('application/problem+json');
    expect(unknownField.body.code).toBe('unknown_field');
    for (const previewLimit of [0, 21, 1.5, '5'])
      expect((await testSource(id, { previewLimit })).status, String(previewLimit)).toBe(400);
    expect((await testSource(id, { previewLimit: 20 })).status).toBe(200);
    expect((await testSource('no-such-source')).status).toBe(404);
    const anonymous = await fetch(`${context.baseUrl}/api/v1/directory-sources/${id}/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
  });

  it('a pasted CA bundle must be PEM certificates, and not beside a CA file', async () => {
    const port = await closedPort();
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const cases: [Record<string, unknown>, string][] = [
      [{ ca: 'not a certificate' }, 'connection.tls.ca'],
      [{ ca: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----' }, 'connection.tls.ca'],
      [{ ca: pem.repeat(2_000) }, 'connection.tls.ca'],
      [{ ca: pem, caFile: '/etc/ssl/certs/ca-certificates.crt' }, 'connection.tls.ca'],
    ];
    for (const [tls, path] of cases) {
      const response = await superadmin.request<{ code: string; errors: { path: string }[] }>(
        'POST',
        '/api/v1/directory-sources',
        {
          body: {
            id: `ca${Date.now().toString(36)}`,
            name: 'CA check',
            connection: { ...generic(`ldaps://127.0.0.1:${port}`), tls },
          },
        },
      );
      expect(response.status, JSON.stringify(tls).slice(0, 80)).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors.map((error) => error.path)).toContain(path);
    }
  });

  it('admin, staff and auditor get 403, audited as denied', async () => {
    const port = await closedPort();
    const id = await defineSource(generic(`ldap://127.0.0.1:${port}`));
    for (const role of ['admin', 'staff', 'auditor'] as const) {
      const { api } = await signedIn(context, role);
      const response = await testSource(id, {}, api);
      expect(response.status, role).toBe(403);
    }
    const rows = await auditRows(id);
    expect(rows.map((row) => row.outcome)).toEqual(['denied', 'denied', 'denied']);
  });
});

describe.skipIf(!slapdAvailable)('connection test against OpenLDAP', () => {
  let ldap: OpenLdap;
  const longTitle = 'Главный специалист '.repeat(25).slice(0, 400);

  beforeAll(async () => {
    ldap = await startOpenLdap();
    await ldap.asRoot(async (client) => {
      for (const [uid, title] of [
        ['anna', 'Инженер'],
        ['boris', longTitle],
      ] as const)
        await client.add(`uid=${uid},${ldap.peopleDn}`, {
          objectClass: ['inetOrgPerson'],
          uid,
          cn: `${uid} Test`,
          sn: 'Test',
          givenName: uid,
          mail: `${uid}@corp.example.test`,
          title,
          departmentNumber: 'ИТ',
        });
    });
  });

  afterAll(async () => {
    await ldap?.close();
  });

  it('a good source: every step ok, the preview shows mapped people and their problems', async () => {
    const id = await defineSource(
      {
        kind: 'ldap',
        url: ldap.url,
        allowPlain: true,
        bindDn: ldap.rootDn,
        baseDn: ldap.peopleDn,
      },
      ldap.rootPassword,
    );
    const response = await testSource(id, { previewLimit: 10 });
    expect(response.status, response.text).toBe(200);
    const result = response.body;
    expect(
      result.steps.filter((step) => !step.ok),
      JSON.stringify(result.steps),
    ).toEqual([]);
    expect(result.ok).toBe(true);
    expect(codes(result)).toMatchObject({
      dns: 'dns_ip_address',
      tcp: 'tcp_connected',
      tls: 'tls_not_used',
      bind: 'bind_ok',
      root_dse: 'root_dse_read',
      base_dn: 'base_dn_found',
      filter: 'filter_matched',
      deletion_detection: 'deletion_detection_enumeration',
    });
    expect(result.steps.find((step) => step.step === 'filter')?.params).toMatchObject({
      count: 2,
    });
    expect(result.steps.find((step) => step.step === 'root_dse')?.params).toMatchObject({
      namingContexts: [ldap.baseDn],
    });
    const boris = result.preview.find((entry) => entry.record.username === 'boris');
    expect(boris).toMatchObject({
      dn: `uid=boris,${ldap.peopleDn}`,
      record: { email: 'boris@corp.example.test', organization: 'ИТ' },
    });
    expect(boris?.record.title).toHaveLength(300);
    expect(boris?.problems.join('\n')).toMatch(/title/);
    expect(result.preview.find((entry) => entry.record.username === 'anna')).toMatchObject({
      record: { displayName: 'anna Test', title: 'Инженер' },
      problems: [],
    });
    const [row] = await auditRows(id);
    expect(row?.outcome).toBe('success');
  });

  it('a wrong base DN: base_dn_not_found, filter and mapping skipped', async () => {
    const id = await defineSource(
      {
        kind: 'ldap',
        url: ldap.url,
        allowPlain: true,
        bindDn: ldap.rootDn,
        baseDn: `ou=nobody,${ldap.baseDn}`,
      },
      ldap.rootPassword,
    );
    const result = (await testSource(id)).body;
    expect(codes(result)).toMatchObject({
      bind: 'bind_ok',
      base_dn: 'base_dn_not_found',
      filter: 'skipped',
      mapping: 'skipped',
    });
    expect(result.steps.find((step) => step.step === 'base_dn')?.params).toMatchObject({
      baseDn: `ou=nobody,${ldap.baseDn}`,
      namingContexts: [ldap.baseDn],
    });
  });
});

describe.skipIf(!sambaAvailable)('connection test against Samba AD', () => {
  let dc: SambaDc;
  let staff: string;
  let serviceDn: string;

  beforeAll(async () => {
    dc = await startSambaDc();
    staff = await addOu(dc, 'Staff');
    await addPeople(dc, [
      {
        name: 'ivanov',
        parent: staff,
        givenName: 'Иван',
        sn: 'Иванов',
        mail: 'ivanov@corp.example.test',
        title: 'Бухгалтер',
        department: 'Финансы',
      },
      { name: 'petrova', parent: staff, givenName: 'Мария', sn: 'Петрова', title: 'Юрист' },
    ]);
    // An ordinary domain user: no administrator rights, no Deleted Objects grant.
    await dc.tool('user', 'add', 'svc-conntest', SVC_PASSWORD);
    serviceDn = await dc.dnOf('svc-conntest');
  });

  afterAll(async () => {
    await dc?.close();
  });

  const ad = (extra: Record<string, unknown> = {}) => ({
    kind: 'active-directory',
    url: dc.url,
    allowPlain: true,
    bindDn: dc.adminDn,
    baseDn: staff,
    ...extra,
  });

  it('a good source: every step ok, the preview shows the people through the AD mapping', async () => {
    const id = await defineSource(ad(), dc.adminPassword);
    const response = await testSource(id);
    expect(response.status, response.text).toBe(200);
    const result = response.body;
    expect(
      result.steps.filter((step) => !step.ok),
      JSON.stringify(result.steps),
    ).toEqual([]);
    expect(codes(result)).toMatchObject({
      bind: 'bind_ok',
      root_dse: 'root_dse_read',
      base_dn: 'base_dn_found',
      filter: 'filter_matched',
      deletion_detection: 'deletion_detection_permitted',
    });
    expect(result.preview.map((entry) => entry.record.username).sort()).toEqual([
      'ivanov',
      'petrova',
    ]);
    expect(result.preview.find((entry) => entry.record.username === 'ivanov')).toMatchObject({
      externalId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      record: { email: 'ivanov@corp.example.test', title: 'Бухгалтер', organization: 'Финансы' },
    });
    // Samba's own password must not leak either (the stored one is the admin's here).
    expect(response.text).not.toContain(dc.adminPassword);
  });

  it('a wrong password: bind_invalid_credentials, later steps skipped; the password is nowhere', async () => {
    const id = await defineSource(ad(), WRONG);
    const logsBefore = logLines.length;
    const response = await testSource(id);
    expect(response.status, response.text).toBe(200);
    expect(response.body.ok).toBe(false);
    expect(codes(response.body)).toMatchObject({
      tcp: 'tcp_connected',
      tls: 'tls_not_used',
      bind: 'bind_invalid_credentials',
    });
    restSkipped(response.body, 'bind');
    expect(response.text).not.toContain(WRONG);
    const rows = await auditRows(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcome).toBe('failure');
    expect(rows[0]?.row).toContain('bind_invalid_credentials');
    expect(rows[0]?.row).not.toContain(WRONG);
    const logs = logLines.slice(logsBefore).join('');
    expect(logs).toContain('directory source connection tested');
    expect(logs).not.toContain(WRONG);
  });

  it('a non-admin service account without the grant: deletion_detection_not_permitted', async () => {
    const id = await defineSource(ad({ bindDn: serviceDn }), SVC_PASSWORD);
    const result = (await testSource(id)).body;
    expect(codes(result)).toMatchObject({
      bind: 'bind_ok',
      filter: 'filter_matched',
      deletion_detection: 'deletion_detection_not_permitted',
    });
    const detection = result.steps.find((step) => step.step === 'deletion_detection');
    expect(detection).toMatchObject({ ok: false, params: { method: 'tombstones' } });
    expect(detection?.message).toMatch(/^Deletion detection not permitted/);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(SVC_PASSWORD);
  });

  it('a wrong base DN: base_dn_not_found', async () => {
    const id = await defineSource(ad({ baseDn: `OU=Nobody,${dc.baseDn}` }), dc.adminPassword);
    const result = (await testSource(id)).body;
    expect(codes(result)).toMatchObject({ base_dn: 'base_dn_not_found', filter: 'skipped' });
  });

  it('LDAPS with a certificate nobody trusts: tls_certificate_untrusted; with its CA: established', async () => {
    const untrusted = await defineSource(
      ad({ url: dc.ldapsUrl, allowPlain: false }),
      dc.adminPassword,
    );
    const refused = (await testSource(untrusted)).body;
    expect(codes(refused)).toMatchObject({
      tcp: 'tcp_connected',
      tls: 'tls_certificate_untrusted',
    });
    restSkipped(refused, 'tls');
    const trusted = await defineSource(
      ad({ url: dc.ldapsUrl, allowPlain: false, tls: { caFile: dc.caFile } }),
      dc.adminPassword,
    );
    const established = (await testSource(trusted)).body;
    expect(codes(established)).toMatchObject({ tls: 'tls_established', bind: 'bind_ok' });
    expect(established.steps[2]?.params).toMatchObject({ protocol: expect.stringMatching(/^TLS/) });
  });

  it('StartTLS with a certificate nobody trusts: tls_certificate_untrusted', async () => {
    const id = await defineSource(ad({ allowPlain: false, startTls: true }), dc.adminPassword);
    const result = (await testSource(id)).body;
    expect(codes(result)).toMatchObject({ tls: 'tls_certificate_untrusted', bind: 'skipped' });
  });

  it('StartTLS with the CA pasted as PEM: established, and the bind goes over it', async () => {
    // Pasted, as the console sends it: an administrator has no access to the service's files.
    const id = await defineSource(
      ad({ allowPlain: false, startTls: true, tls: { ca: readFileSync(dc.caFile, 'utf8') } }),
      dc.adminPassword,
    );
    const result = (await testSource(id)).body;
    expect(
      result.steps.filter((step) => !step.ok),
      JSON.stringify(result.steps),
    ).toEqual([]);
    expect(codes(result)).toMatchObject({ tls: 'tls_starttls_established', bind: 'bind_ok' });
  });
});
