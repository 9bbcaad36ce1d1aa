import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import { sync } from '../sources/support.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  ldapPersonDn,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { BULK_TEST_MS, DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { expectAuditIntact, HOOK, report } from './support.ts';

/**
 * Fault (f): the LDAP connection is cut in the middle of a paged read, by a TCP proxy between
 * the service and slapd that resets both sides once a given number of bytes came from slapd.
 * The run fails cleanly (read failed: no plan, nobody deactivated, no core event, staging
 * emptied), and the next run, over an intact connection, succeeds and deactivates exactly the
 * people who left.
 */

const PEOPLE = 2_000;
const LEAVERS = 10;
const SOURCE = 'faults-ldap-cut';
const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_FAULTS_LDAP_CUT_PASSWORD';
const uid = (n: number) => `cut${String(n).padStart(5, '0')}`;

/** A TCP proxy to slapd that can cut every connection after `cutAfterBytes` from slapd. */
interface CuttingProxy {
  url: string;
  /** Bytes from slapd after which a connection is reset; null: never. */
  cutAfterBytes: number | null;
  /** Connections cut so far. */
  cuts: number;
  close(): Promise<void>;
}

async function startProxy(target: URL): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  const proxy: CuttingProxy = {
    url: '',
    cutAfterBytes: null,
    cuts: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let fromServer = 0;
    const cut = () => {
      proxy.cuts += 1;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    upstream.on('data', (chunk: Buffer) => {
      fromServer += chunk.length;
      if (proxy.cutAfterBytes !== null && fromServer > proxy.cutAfterBytes) cut();
      else client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const address = server.address();
  proxy.url = `ldap://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

describe.skipIf(!slapdAvailable)('the LDAP connection cut in the middle of a paged read', () => {
  let ldap: OpenLdap;
  let proxy: CuttingProxy;
  let context: TestContext;
  let api: ApiClient;

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: Array.from({ length: PEOPLE }, (_, n) =>
        personLdif({ uid: uid(n), sn: `Family${n}`, givenName: 'Given' }),
      ).join('\n'),
    });
    proxy = await startProxy(new URL(ldap.url));
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    context = await startTestContext({ jobs: { enabled: false } });
    // Emits write a row for this connector: the events a run queued can be counted.
    await registerConnectors(context.services, [{ name: HOOK, kind: 'webhook' }]);
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: SOURCE,
        // No threshold protects anyone: only a clean failure of the read does.
        thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 1_000_000 },
        connection: {
          kind: 'ldap',
          url: proxy.url,
          allowPlain: true,
          bindDn: ldap.rootDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: ldap.peopleDn,
          pageSize: 100,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await proxy?.close();
    await ldap?.close();
  });

  const count = async (sql: string, params: unknown[] = []) => {
    const { rows } = await context.services.pool.query<{ n: number }>(sql, params);
    return rows[0]?.n ?? 0;
  };
  const deactivated = () =>
    count(
      `select count(*)::int as n from app_user where source_id = $1 and status = 'deactivated'`,
      [SOURCE],
    );
  const events = () =>
    count('select count(*)::int as n from outbox_event where connector = $1', [HOOK]);

  it('fails the run cleanly, deactivates nobody, and the next run succeeds', {
    timeout: BULK_TEST_MS,
  }, async () => {
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.counts.create).toBe(PEOPLE);
    const before = await events();
    expect(before).toBe(PEOPLE);
    const lastBefore = await count(
      'select coalesce(max(id), 0)::int as n from outbox_event where connector = $1',
      [HOOK],
    );

    // Cut while about a third of the entries have come: mid-read, pages behind and ahead.
    proxy.cutAfterBytes = 60_000;
    const cut = await sync(api, SOURCE, 'full');
    expect(proxy.cuts).toBeGreaterThan(0);
    expect(cut.status).toBe('failed');
    expect(cut.error).toMatch(/^read failed/);
    expect(cut.counts.read ?? 0).toBeLessThan(PEOPLE);
    expect(await deactivated()).toBe(0);
    expect(await events()).toBe(before);
    expect(
      await count('select count(*)::int as n from sync_staging where run_id = $1', [cut.id]),
    ).toBe(0);
    expect(
      await count('select count(*)::int as n from sync_plan_item where run_id = $1', [cut.id]),
    ).toBe(0);

    // The connection is whole again; some people really left.
    proxy.cutAfterBytes = null;
    await ldap.asRoot(async (client) => {
      for (let n = 0; n < LEAVERS; n += 1) await client.del(ldapPersonDn(uid(n)));
    });
    const next = await sync(api, SOURCE, 'full');
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(await deactivated()).toBe(LEAVERS);
    const { rows } = await context.services.pool.query<{ key: string; type: string }>(
      'select key, type from outbox_event where connector = $1 and id > $2 order by id',
      [HOOK, lastBefore],
    );
    expect(rows.map((row) => row.type)).toEqual(Array(LEAVERS).fill('person.deactivated'));
    const checked = await events();
    await expectAuditIntact(context.services);
    report({
      scenario: 'LDAP connection cut mid-read',
      faults: proxy.cuts,
      events: checked,
      lost: LEAVERS - rows.length,
      reordered: 0,
      note: `the cut run read ${cut.counts.read ?? 0} of ${PEOPLE} entries and failed; 0 deactivations from it; the next run deactivated ${LEAVERS} of ${LEAVERS}`,
    });
  });
});
