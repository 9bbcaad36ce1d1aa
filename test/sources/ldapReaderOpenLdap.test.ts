import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../server/identity/ldap/filter.ts';
import {
  type DirectorySource,
  directorySourceSchema,
  withBaseDns,
} from '../../server/shared/config/directorySources.ts';
import { IncrementalNotPossibleError } from '../../server/sources/ldap/errors.ts';
import { parseGeneralizedTime } from '../../server/sources/ldap/generalizedTime.ts';
import {
  addLdapGroup,
  addLdapPerson,
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { readAll } from './ldapReaderSupport.ts';

/** The generic LDAP reader against a real OpenLDAP slapd: entryUUID, lock attribute, modifyTimestamp. */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_LDAP_READER_OPENLDAP_PASSWORD';
const META = 'Отдел (R&D) *север* \\ )(|(uid=*';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!slapdAvailable)('generic LDAP reader (OpenLDAP slapd)', () => {
  let ldap: OpenLdap;
  let source: DirectorySource;
  let group: string;

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: [
        personLdif({
          uid: 'Ivanov',
          givenName: 'Иван',
          sn: 'Иванов',
          displayName: 'Иванов Иван',
          mail: 'ivanov@corp.example.test',
          telephoneNumber: '+7 495 123-45-67',
          title: 'Инженер',
          departmentNumber: 'Отдел разработки',
          employeeNumber: 'E-1',
        }),
        personLdif({ uid: 'petrov', sn: 'Петров', departmentNumber: META }),
        personLdif({ uid: 'sidorov', sn: 'Сидоров' }),
        personLdif({ uid: 'untouched', sn: 'Нетронутый' }),
      ].join('\n'),
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    source = directorySourceSchema.parse({
      id: 'corp-ldap',
      kind: 'ldap',
      url: ldap.url,
      allowPlain: true,
      bindDn: ldap.rootDn,
      bindPasswordEnv: PASSWORD_ENV,
      baseDn: ldap.baseDn,
      lockAttribute: 'pwdAccountLockedTime',
      timeoutMs: DIRECTORY_REQUEST_MS,
    });
    // A second later than the slapadd, so the loaded entries are older than the cursor below.
    await sleep(1_100);
    group = await addLdapGroup(ldap, 'Разработчики', [ldapPersonDn('Ivanov')]);
    // The memberof overlay does not restamp the member: touch ivanov so the cursor is newer.
    await modifyLdapEntry(ldap, ldapPersonDn('Ivanov'), { title: 'Инженер' });
  });

  afterAll(async () => {
    await ldap?.close();
  });

  it('reads entryUUID, the mapped attributes and memberOf', async () => {
    const { people, byUsername } = await readAll(source);
    expect(people).toHaveLength(4);
    expect(byUsername.get('ivanov')).toEqual({
      externalId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ),
      locator: ldapPersonDn('Ivanov'),
      username: 'ivanov',
      familyName: 'Иванов',
      givenName: 'Иван',
      middleName: null,
      displayName: 'Иванов Иван',
      email: 'ivanov@corp.example.test',
      phone: '+7 495 123-45-67',
      title: 'Инженер',
      department: 'Отдел разработки',
      employeeId: 'E-1',
      disabled: false,
      groups: [group],
    });
    const uuid = await ldap.asRoot((client) =>
      client.search(ldapPersonDn('Ivanov'), { scope: 'base', attributes: ['entryUUID'] }),
    );
    expect(byUsername.get('ivanov')?.externalId).toBe(uuid.searchEntries[0]?.entryUUID);
  });

  it('finds values full of filter metacharacters with escaped filters', async () => {
    const { people } = await readAll(
      directorySourceSchema.parse({
        ...source,
        userFilter: `(&(objectClass=inetOrgPerson)(departmentNumber=${escapeFilterValue(META)}))`,
      }),
    );
    expect(people.map((person) => [person.username, person.department])).toEqual([
      ['petrov', META],
    ]);
  });

  it('reads group members from mapped groups (servers without memberOf too)', async () => {
    const { byUsername } = await readAll(
      directorySourceSchema.parse({
        ...source,
        attributes: { groups: null },
        groupMappings: [{ group }],
      }),
    );
    expect(byUsername.get('ivanov')?.groups).toEqual([group]);
    expect(byUsername.get('petrov')?.groups).toEqual([]);
  });

  it('reads changes since the greatest modifyTimestamp, and the lock attribute', async () => {
    // The modifyTimestamp path, forced: this slapd keeps contextCSN (changeTrackingOpenLdap.test.ts).
    const byTime = { ldapChangeTracking: 'modifyTimestamp' } as const;
    const full = await readAll(source, 'full', null, { modifyTimestampOverlapMs: 0 });
    const cursor = full.read.cursor;
    expect(parseGeneralizedTime(cursor.modifyTimestamp ?? '')).not.toBeNull();
    expect(full.byUsername.get('sidorov')?.disabled).toBe(false);

    await sleep(1_100); // modifyTimestamp has whole seconds
    await modifyLdapEntry(ldap, ldapPersonDn('petrov'), { title: 'Архитектор' });
    await modifyLdapEntry(ldap, ldapPersonDn('sidorov'), {
      pwdAccountLockedTime: '000001010000Z',
    });
    await addLdapPerson(ldap, { uid: 'novikov', sn: 'Новиков' });

    const changed = await readAll(source, 'incremental', cursor, {
      ...byTime,
      modifyTimestampOverlapMs: 0,
    });
    const names = changed.people.map((person) => person.username);
    expect(names).toEqual(expect.arrayContaining(['petrov', 'sidorov', 'novikov']));
    // ">=": entries stamped in the cursor's own second are read again (ivanov, touched last).
    expect(names.every((name) => name !== 'untouched')).toBe(true);
    expect(changed.byUsername.get('petrov')?.title).toBe('Архитектор');
    expect(changed.byUsername.get('sidorov')?.disabled).toBe(true);
    expect((changed.read.cursor.modifyTimestamp ?? '') > (cursor.modifyTimestamp ?? '')).toBe(true);

    // With the default overlap the same read covers the last minutes again (at least once).
    const overlapping = await readAll(source, 'incremental', changed.read.cursor, byTime);
    expect(overlapping.people.map((person) => person.username)).toContain('novikov');
    await expect(readAll(source, 'incremental', {}, byTime)).rejects.toBeInstanceOf(
      IncrementalNotPossibleError,
    );
  });

  it('answers a filter that matches nothing with zero people, and fails on a wrong base', async () => {
    const none = await readAll(
      directorySourceSchema.parse({ ...source, userFilter: '(uid=nobody-*)' }),
    );
    expect(none.people).toEqual([]);
    await expect(readAll(withBaseDns(source, [`ou=nowhere,${ldap.baseDn}`]))).rejects.toThrow();
  });
});

describe.skipIf(!slapdAvailable)('generic LDAP reader and referrals', () => {
  let ldap: OpenLdap;

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: `${personLdif({ uid: 'local', sn: 'Местный' })}
dn: ou=remote,dc=corp,dc=example,dc=test
objectClass: referral
objectClass: extensibleObject
ou: remote
ref: ldap://127.0.0.3:1/ou=remote,dc=corp,dc=example,dc=test
`,
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
  });

  afterAll(async () => {
    await ldap?.close();
  });

  it('throws on a referral it cannot follow instead of returning the people it did see', async () => {
    const source = directorySourceSchema.parse({
      id: 'corp-ldap',
      kind: 'ldap',
      url: ldap.url,
      allowPlain: true,
      bindDn: ldap.rootDn,
      bindPasswordEnv: PASSWORD_ENV,
      baseDn: ldap.baseDn,
      timeoutMs: DIRECTORY_REQUEST_MS,
    });
    await expect(readAll(source)).rejects.toThrow(/referral/);
  });
});
