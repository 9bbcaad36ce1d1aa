import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { useReaderFactory } from '../../server/sources/registry.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  addLdapGroup,
  ldapPersonDn,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { expectGroupMovesApplied, spaceMembers } from './groupChangesSupport.ts';
import { sync } from './support.ts';

/**
 * Group membership changes reach INCREMENTAL runs against OpenLDAP: a groupOfNames' `member`
 * change stamps the group (modifyTimestamp), not the members (the memberof overlay does not
 * restamp them), so the reader re-reads the changed mapped groups' members and the engine
 * re-reads who may have left them.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_SYNC_LDAP_GROUP_CHANGES_PASSWORD';
const SOURCE = 'ldap-group-changes';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!slapdAvailable)('incremental group changes against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;
  let sales: string;
  let support: string;

  const members = (group: string, operation: 'add' | 'delete', uids: string[]) =>
    ldap.asRoot((client) =>
      client.modify(
        group,
        new Change({
          operation,
          modification: new Attribute({ type: 'member', values: uids.map(ldapPersonDn) }),
        }),
      ),
    );

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: ['anna', 'boris', 'vera', 'gleb']
        .map((uid) => personLdif({ uid, sn: uid, departmentNumber: 'ИТ' }))
        .join('\n'),
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    // Metacharacters in the group's name: its DN is used as a search base, never in a filter.
    sales = await addLdapGroup(ldap, 'Продажи (B2B) *юг*', [
      ldapPersonDn('anna'),
      ldapPersonDn('boris'),
    ]);
    support = await addLdapGroup(ldap, 'Поддержка', [ldapPersonDn('vera')]);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    // No overlap: the test's changes are seconds apart (the default re-reads 5 minutes).
    useReaderFactory(context.services, (source, services) => {
      if (!source.connection) throw new Error('no connection');
      return createDirectoryReader(source.connection, {
        now: services.now,
        modifyTimestampOverlapMs: 0,
      });
    });
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
          groupBaseDn: ldap.groupsDn,
          timeoutMs: DIRECTORY_REQUEST_MS,
          groupMappings: [
            { group: sales, spaces: ['Продажи', 'Все'], organization: 'Отдел продаж' },
            { group: support, spaces: ['Поддержка', 'Все'] },
          ],
        },
      },
    });
    expect(created.status, created.text).toBe(201);
  });

  afterAll(async () => {
    if (context) {
      useReaderFactory(context.services, null);
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('moves, removals and additions reach the spaces on an incremental run, as a dry run shows', async () => {
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(await spaceMembers(context, 'Продажи')).toEqual(['anna', 'boris']);
    // Catch up with the groups' own timestamps, then change only groups a second later.
    const settle = await sync(api, SOURCE, 'incremental');
    expect(settle.status, settle.error ?? '').toBe('succeeded');
    await sleep(1_100);

    // groupOfNames needs a member at all times: add before removing.
    await members(sales, 'add', ['gleb']);
    await members(sales, 'delete', ['anna', 'boris']);
    await members(support, 'add', ['anna']);

    await expectGroupMovesApplied(api, context, SOURCE);
  });
});
