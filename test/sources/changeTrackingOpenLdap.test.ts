import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import {
  csnServerId,
  csnSinceFilter,
  csnVectorProblem,
} from '../../server/sources/ldap/changeSequence.ts';
import { IncrementalNotPossibleError } from '../../server/sources/ldap/errors.ts';
import { drainRuns } from '../../server/sources/runs.ts';
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
import { BULK_SETUP_MS, BULK_TEST_MS, DIRECTORY_REQUEST_MS, TEST_MS } from '../support/timeouts.ts';
import { readAll } from './ldapReaderSupport.ts';
import { peopleOf, sync } from './support.ts';

/**
 * Issue 13, scope item 5: on OpenLDAP with syncprov the incremental cursor is the suffix's
 * contextCSN read before the read, and the next run searches by entryCSN with no time overlap,
 * so a run right after a bulk change reads that change (and at most the boundary entry), not the
 * whole directory. Without syncprov the modifyTimestamp cursor stays.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_CHANGE_TRACKING_OPENLDAP';
const SOURCE = 'ldap-csn';
const PEOPLE = 3_000;
const CHANGED = PEOPLE / 100;
const uidOf = (n: number) => `p${String(n).padStart(5, '0')}`;

const CSN_A = '20261204120000.000001Z#000000#000#000000';
const CSN_B = '20261204120500.000002Z#000000#001#000000';

describe('entryCSN cursors', () => {
  it('reads the server id of a CSN and rejects other values', () => {
    expect(csnServerId(CSN_B)).toBe('001');
    expect(csnServerId('20261204120000Z')).toBeNull();
  });

  it('selects, for each server id, entries at or after its saved CSN', () => {
    expect(csnSinceFilter([CSN_A])).toBe(`(entryCSN>=${CSN_A})`);
    expect(csnSinceFilter([CSN_A, CSN_B])).toBe(`(|(entryCSN>=${CSN_A})(entryCSN>=${CSN_B}))`);
  });

  it('refuses to continue over a new server id or a CSN that went back', () => {
    expect(csnVectorProblem([CSN_A], [CSN_A])).toBeNull();
    expect(csnVectorProblem([CSN_A, CSN_B], [CSN_A.replace('12000', '12100'), CSN_B])).toBeNull();
    expect(csnVectorProblem([CSN_A], [CSN_A, CSN_B])).toMatch(/server id 001/);
    expect(csnVectorProblem([CSN_B], [CSN_B.replace('120500', '110500')])).toMatch(/went back/);
    expect(csnVectorProblem([], [CSN_A])).toMatch(/empty/);
    expect(csnVectorProblem(['junk'], [CSN_A])).toMatch(/not a CSN/);
  });
});

/** Changes the title of each entry over one connection (a bulk change, as an HR tool makes). */
async function retitle(ldap: OpenLdap, uids: string[], title: string): Promise<void> {
  await ldap.asRoot(async (client: Client) => {
    for (const uid of uids)
      await client.modify(
        ldapPersonDn(uid),
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'title', values: [title] }),
        }),
      );
  });
}

describe.skipIf(!slapdAvailable)('incremental runs by entryCSN (OpenLDAP with syncprov)', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;

  beforeAll(async () => {
    const ldif = Array.from({ length: PEOPLE }, (_, n) =>
      personLdif({ uid: uidOf(n), sn: `Фамилия ${n}`, title: 'Инженер' }),
    ).join('\n');
    ldap = await startOpenLdap({ ldif });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: SOURCE,
        connection: {
          kind: 'ldap',
          url: ldap.url,
          allowPlain: true,
          bindDn: ldap.rootDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: ldap.peopleDn,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
  }, BULK_SETUP_MS);

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it(
    'after a 1% bulk change the incremental run reads that 1% and applies it; with no change it reads ~0',
    async () => {
      const full = await sync(api, SOURCE, 'full');
      expect(full.status, full.error ?? '').toBe('succeeded');
      expect(full.counts).toMatchObject({ read: PEOPLE, create: PEOPLE });
      expect(full.cursorAfter).toMatchObject({ ldapTracking: 'entryCSN' });
      expect(full.cursorAfter?.contextCsn).toHaveLength(1);

      // The template's people were all loaded a moment ago: the modifyTimestamp path with its
      // 5-minute overlap would read all of them again now.
      const changed = Array.from({ length: CHANGED }, (_, n) => uidOf(n * 97));
      await retitle(ldap, changed, 'Архитектор');
      const run = await sync(api, SOURCE, 'incremental');
      expect(run.status, run.error ?? '').toBe('succeeded');
      expect(run.readMode).toBe('incremental');
      // The boundary entry (the suffix's last change before the cursor) may come again.
      expect(run.counts.read).toBeGreaterThanOrEqual(CHANGED);
      expect(run.counts.read).toBeLessThanOrEqual(CHANGED + 1);
      expect(run.counts.update).toBe(CHANGED);
      expect(run.counts.deactivate ?? 0).toBe(0);
      const titles = new Map(
        (await peopleOf(context.services, SOURCE)).map((p) => [p.username, p.title]),
      );
      for (const uid of changed) expect(titles.get(uid)).toBe('Архитектор');
      expect(titles.get(uidOf(1))).toBe('Инженер');

      const quiet = await sync(api, SOURCE, 'incremental');
      expect(quiet.status, quiet.error ?? '').toBe('succeeded');
      expect(quiet.counts.read ?? 0).toBeLessThanOrEqual(1);
      expect(quiet.counts.update ?? 0).toBe(0);

      // An added person and a deletion reach the next run (deletions by the id enumeration).
      await ldap.asRoot(async (client) => {
        await client.add(ldapPersonDn('novikov'), [
          new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
          new Attribute({ type: 'uid', values: ['novikov'] }),
          new Attribute({ type: 'cn', values: ['Новиков'] }),
          new Attribute({ type: 'sn', values: ['Новиков'] }),
        ]);
        await client.del(ldapPersonDn(uidOf(5)));
      });
      const next = await sync(api, SOURCE, 'incremental');
      expect(next.status, next.error ?? '').toBe('succeeded');
      expect(next.counts).toMatchObject({ create: 1, deactivate: 1 });
      expect(next.counts.read).toBeLessThanOrEqual(2);
    },
    BULK_TEST_MS,
  );

  it(
    'a modifyTimestamp cursor saved before the upgrade is read by time once, then by entryCSN',
    async () => {
      const source = directorySourceSchema.parse({
        id: SOURCE,
        kind: 'ldap',
        url: ldap.url,
        allowPlain: true,
        bindDn: ldap.rootDn,
        bindPasswordEnv: PASSWORD_ENV,
        baseDn: ldap.peopleDn,
        timeoutMs: DIRECTORY_REQUEST_MS,
      });
      const old = await readAll(source, 'incremental', { modifyTimestamp: '20991231000000Z' });
      expect(old.people).toEqual([]);
      expect(old.read.cursor).toMatchObject({
        ldapTracking: 'entryCSN',
        modifyTimestamp: '20991231000000Z',
      });
      await retitle(ldap, [uidOf(7)], 'Директор');
      const next = await readAll(source, 'incremental', old.read.cursor);
      expect(next.people.map((p) => p.username)).toContain(uidOf(7));
      expect(next.people.length).toBeLessThanOrEqual(2);
    },
    TEST_MS,
  );
});

describe.skipIf(!slapdAvailable)('OpenLDAP without syncprov', () => {
  let ldap: OpenLdap;

  beforeAll(async () => {
    ldap = await startOpenLdap({
      syncprov: false,
      ldif: ['anna', 'boris'].map((uid) => personLdif({ uid, sn: uid })).join('\n'),
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
  });

  afterAll(async () => {
    await ldap?.close();
  });

  const source = () =>
    directorySourceSchema.parse({
      id: 'ldap-no-syncprov',
      kind: 'ldap',
      url: ldap.url,
      allowPlain: true,
      bindDn: ldap.rootDn,
      bindPasswordEnv: PASSWORD_ENV,
      baseDn: ldap.peopleDn,
      timeoutMs: DIRECTORY_REQUEST_MS,
    });

  it(
    'keeps the modifyTimestamp cursor with its overlap',
    async () => {
      const full = await readAll(source(), 'full');
      expect(full.read.cursor.ldapTracking).toBe('modifyTimestamp');
      expect(full.read.cursor.contextCsn).toBeUndefined();
      expect(full.read.cursor.modifyTimestamp).toMatch(/^\d{14}Z$/);
      const changed = await readAll(source(), 'incremental', full.read.cursor);
      // Within the 5-minute overlap: both are read again.
      expect(changed.people.map((p) => p.username).sort()).toEqual(['anna', 'boris']);
      expect(changed.read.cursor.ldapTracking).toBe('modifyTimestamp');
    },
    TEST_MS,
  );

  it(
    'an entryCSN cursor from a server that no longer shows contextCSN means a full read',
    async () => {
      await expect(
        readAll(source(), 'incremental', {
          ldapTracking: 'entryCSN',
          contextCsn: [CSN_A],
          modifyTimestamp: '20261204120000Z',
        }),
      ).rejects.toBeInstanceOf(IncrementalNotPossibleError);
    },
    TEST_MS,
  );
});
