import { afterEach, describe, expect, it } from 'vitest';
import {
  type DirectorySource,
  directorySourceSchema,
} from '../../server/shared/config/directorySources.ts';
import { DirectoryReadError } from '../../server/sources/ldap/errors.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import type { SourcePerson } from '../../server/sources/types.ts';
import { type OpenLdap, personLdif, slapdAvailable, startOpenLdap } from '../support/openldap.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';

/**
 * Issue 17: a transient failure of one page of a full read (the directory restarted, the
 * connection reset) is retried on a new connection, and the read goes on where it stopped, each
 * person once; a directory that stays away fails the read after a bounded number of retries,
 * with a clear error. Against a real slapd, restarted or stopped between two pages.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_PAGE_RETRY_OPENLDAP';
const PEOPLE = 23;
const PAGE = 5;
const uid = (n: number) => `retry${String(n).padStart(2, '0')}`;

async function directory(): Promise<{ ldap: OpenLdap; source: DirectorySource }> {
  const ldap = await startOpenLdap({
    ldif: Array.from({ length: PEOPLE }, (_, n) =>
      personLdif({ uid: uid(n), sn: `Фамилия ${n}`, givenName: 'Имя' }),
    ).join('\n'),
  });
  process.env[PASSWORD_ENV] = ldap.rootPassword;
  const source = directorySourceSchema.parse({
    id: 'page-retry',
    kind: 'ldap',
    url: ldap.url,
    allowPlain: true,
    bindDn: ldap.rootDn,
    bindPasswordEnv: PASSWORD_ENV,
    baseDn: ldap.peopleDn,
    pageSize: PAGE,
    timeoutMs: DIRECTORY_REQUEST_MS,
  });
  return { ldap, source };
}

describe.skipIf(!slapdAvailable)('a failed page is read again (OpenLDAP slapd)', () => {
  let ldap: OpenLdap | null = null;
  afterEach(async () => {
    await ldap?.close();
    ldap = null;
  });

  it('slapd restarted between two pages: the read goes on, every person exactly once', async () => {
    const started = await directory();
    ldap = started.ldap;
    const retries: number[] = [];
    const reader = createDirectoryReader(started.source, {
      now: () => new Date(),
      pageRetry: { backoffMs: 50 },
      logger: { warn: (details) => retries.push((details as { delivered: number }).delivered) },
    });
    const read = await reader.read({ mode: 'full' });
    const pages: SourcePerson[][] = [];
    for await (const page of read.pages) {
      pages.push(page);
      // After the second page: the connection the search uses (and its paging cookie) is gone.
      if (pages.length === 2) await started.ldap.restart();
    }
    const usernames = pages.flat().map((person) => person.username);
    expect(usernames).toHaveLength(PEOPLE);
    expect(new Set(usernames).size).toBe(PEOPLE);
    expect([...usernames].sort()).toEqual(Array.from({ length: PEOPLE }, (_, n) => uid(n)));
    // One retry, after the two pages already passed on; no page came twice.
    expect(retries).toEqual([2 * PAGE]);
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
  });

  it('slapd gone for good: the read fails after the bounded retries, naming the cause', async () => {
    const started = await directory();
    ldap = started.ldap;
    const retries: number[] = [];
    const reader = createDirectoryReader(started.source, {
      now: () => new Date(),
      pageRetry: { attempts: 3, backoffMs: 50 },
      logger: { warn: (details) => retries.push((details as { attempt: number }).attempt) },
    });
    const read = await reader.read({ mode: 'full' });
    let entries = 0;
    const consume = async () => {
      for await (const page of read.pages) {
        entries += page.length;
        if (entries === PAGE) await started.ldap.stop();
      }
    };
    const failure = await consume().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DirectoryReadError);
    expect(String((failure as Error).message)).toMatch(
      /page-retry: a page failed 4 times after 5 entries .*the read is incomplete/,
    );
    expect(retries).toEqual([1, 2, 3]);
    expect(entries).toBe(PAGE);
  });
});
