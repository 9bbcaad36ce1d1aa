import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../server/identity/ldap/filter.ts';
import {
  type DirectorySource,
  directorySourceSchema,
} from '../../server/shared/config/directorySources.ts';
import { IncrementalNotPossibleError } from '../../server/sources/ldap/errors.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import {
  addGroupWithMembers,
  addOu,
  addPeople,
  changeGroupMembers,
  deleteEntry,
  guidFromLdb,
  moveBetweenGroups,
  renamePerson,
  setDisabled,
  setExpiry,
} from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { readAll } from './ldapReaderSupport.ts';

/** The AD reader against a real Samba DC: attributes, flags, groups, escaping, incremental reads. */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_LDAP_READER_AD_PASSWORD';
const META_DEPARTMENT = 'Отдел (R&D) *север* \\ )(|(cn=*';

describe.skipIf(!sambaAvailable)('AD reader (Samba DC)', () => {
  let dc: SambaDc;
  let staffDn: string;
  let source: DirectorySource;
  const dns: Record<string, string> = {};
  const groups: Record<string, string> = {};

  const sourceWith = (overrides: Record<string, unknown> = {}) =>
    directorySourceSchema.parse({
      id: 'corp-ad',
      kind: 'active-directory',
      url: dc.url,
      allowPlain: true,
      bindDn: dc.adminDn,
      bindPasswordEnv: PASSWORD_ENV,
      baseDn: staffDn,
      groupBaseDn: dc.baseDn,
      timeoutMs: DIRECTORY_REQUEST_MS,
      ...overrides,
    });

  beforeAll(async () => {
    dc = await startSambaDc();
    try {
      process.env[PASSWORD_ENV] = dc.adminPassword;
      staffDn = await addOu(dc, 'Staff');
      const [ivanov, petrov, sidorov, future, meta, mobile] = await addPeople(dc, [
        {
          name: 'Ivanov',
          cn: 'Иван Иванов',
          parent: staffDn,
          givenName: 'Иван',
          sn: 'Иванов',
          middleName: 'Петрович',
          displayName: 'Иванов Иван Петрович',
          mail: 'ivanov@corp.example.test',
          telephoneNumber: '+7 495 123-45-67',
          mobile: '+7 916 000-00-00',
          title: 'Ведущий инженер',
          department: 'Отдел разработки',
          company: 'ООО Ромашка',
          employeeID: 'E-0001',
          userPrincipalName: 'ivanov@corp.example.test',
        },
        { name: 'petrov', parent: staffDn, sn: 'Петров', disabled: true },
        {
          name: 'sidorov',
          parent: staffDn,
          sn: 'Сидоров',
          expiresAt: new Date(Date.now() - 86_400_000),
        },
        {
          name: 'future',
          parent: staffDn,
          sn: 'Будущев',
          expiresAt: new Date(Date.now() + 30 * 86_400_000),
        },
        {
          name: 'meta',
          cn: 'Звёздочкин (R&D) *admin* \\ ,+"<>;=',
          parent: staffDn,
          sn: '*)(sn=*',
          department: META_DEPARTMENT,
        },
        { name: 'mobile', parent: staffDn, mobile: '+7 916 111-11-11', company: 'ООО Лютик' },
      ]);
      Object.assign(dns, { ivanov, petrov, sidorov, future, meta, mobile });
      groups.child = await addGroupWithMembers(dc, 'Группа (R&D) *дочерняя*', [dns.ivanov ?? '']);
      groups.parent = await addGroupWithMembers(dc, 'Родители', [groups.child]);
      groups.direct = await addGroupWithMembers(dc, 'Прямая', [dns.petrov ?? '']);
      source = sourceWith();
    } catch (error) {
      await dc.close();
      throw error;
    }
  });

  afterAll(async () => {
    await dc?.close();
  });

  it('reads every mapped attribute, with the GUID as samba-tool and ldbsearch print it', async () => {
    const { people, byUsername } = await readAll(source);
    expect(people.map((person) => person.username).sort()).toEqual(
      ['future', 'ivanov', 'meta', 'mobile', 'petrov', 'sidorov'].sort(),
    );
    const ivanov = byUsername.get('ivanov');
    const guid = await guidFromLdb(dc, 'Ivanov');
    const shown = await dc.tool('user', 'show', 'Ivanov', '--attributes=objectGUID');
    expect(shown).toContain(`objectGUID: ${guid}`);
    expect(ivanov).toEqual({
      externalId: guid,
      locator: dns.ivanov,
      username: 'ivanov',
      familyName: 'Иванов',
      givenName: 'Иван',
      middleName: 'Петрович',
      displayName: 'Иванов Иван Петрович',
      email: 'ivanov@corp.example.test',
      phone: '+7 495 123-45-67',
      title: 'Ведущий инженер',
      department: 'Отдел разработки',
      employeeId: 'E-0001',
      disabled: false,
      groups: [groups.child],
    });
    // Fallbacks: mobile when there is no telephoneNumber, company when there is no department.
    expect(byUsername.get('mobile')).toMatchObject({
      phone: '+7 916 111-11-11',
      department: 'ООО Лютик',
    });
  });

  it('flags disabled and expired accounts, not future expiries', async () => {
    const { byUsername } = await readAll(source);
    expect(byUsername.get('petrov')?.disabled).toBe(true);
    expect(byUsername.get('sidorov')?.disabled).toBe(true);
    expect(byUsername.get('future')?.disabled).toBe(false);
    expect(byUsername.get('petrov')?.groups).toEqual([groups.direct]);
  });

  it('keeps values full of filter metacharacters intact and finds them with escaped filters', async () => {
    const { people } = await readAll(
      sourceWith({
        userFilter: `(&(objectClass=user)(department=${escapeFilterValue(META_DEPARTMENT)}))`,
      }),
    );
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({
      username: 'meta',
      // AD writes ";" and "=" in the RDN as \3B and \3D: compare with its own spelling.
      locator: await dc.dnOf('meta'),
      familyName: '*)(sn=*',
      department: META_DEPARTMENT,
    });
  });

  it('adds nested groups through LDAP_MATCHING_RULE_IN_CHAIN when enabled', async () => {
    const mapped = sourceWith({
      nestedGroups: true,
      groupMappings: [{ group: groups.parent }, { group: groups.child }],
    });
    const { byUsername } = await readAll(mapped);
    expect(byUsername.get('ivanov')?.groups.sort()).toEqual([groups.child, groups.parent].sort());
    expect(byUsername.get('petrov')?.groups).toEqual([groups.direct]);
    // Without mappings: one IN_CHAIN group query per person.
    const unmapped = await readAll(sourceWith({ nestedGroups: true }));
    expect(unmapped.byUsername.get('ivanov')?.groups.sort()).toEqual(
      [groups.child, groups.parent].sort(),
    );
    // Switched off: memberOf only.
    const plain = await readAll(source);
    expect(plain.byUsername.get('ivanov')?.groups).toEqual([groups.child]);
  });

  it('streams pages of at most pageSize', async () => {
    const { pages, people } = await readAll(sourceWith({ pageSize: 2 }));
    expect(people).toHaveLength(6);
    expect(pages.length).toBe(3);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
  });

  it('reads the domain root without tripping over partition referrals', async () => {
    const { people, byUsername } = await readAll(sourceWith({ baseDn: dc.baseDn }));
    expect(byUsername.get('administrator')).toBeDefined();
    expect(people.length).toBeGreaterThanOrEqual(7);
  });

  it('answers a filter that matches nothing with zero people, not an error', async () => {
    const { people, read } = await readAll(sourceWith({ userFilter: '(sAMAccountName=nobody-*)' }));
    expect(people).toEqual([]);
    expect(read.cursor.highestCommittedUsn).toMatch(/^\d+$/);
  });

  it('reads incrementally exactly the people changed since the cursor', async () => {
    const full = await readAll(source);
    const cursor = full.read.cursor;
    expect(cursor.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    const none = await readAll(source, 'incremental', cursor);
    expect(none.people).toEqual([]);

    await addPeople(dc, [{ name: 'novikov', parent: staffDn, sn: 'Новиков' }]);
    dns.ivanov = await renamePerson(dc, dns.ivanov ?? '', { cn: 'Иван Иванов-Старший' });
    await dc.setAttributes('sidorov', { title: 'Архитектор' });
    await setDisabled(dc, dns.future ?? '', true);

    const changed = await readAll(source, 'incremental', cursor);
    expect(changed.people.map((person) => person.username).sort()).toEqual(
      ['future', 'ivanov', 'novikov', 'sidorov'].sort(),
    );
    expect(changed.byUsername.get('ivanov')?.locator).toBe(dns.ivanov);
    expect(changed.byUsername.get('ivanov')?.externalId).toBe(
      full.byUsername.get('ivanov')?.externalId,
    );
    expect(changed.byUsername.get('sidorov')?.title).toBe('Архитектор');
    expect(changed.byUsername.get('future')?.disabled).toBe(true);
    expect(BigInt(changed.read.cursor.highestCommittedUsn ?? '0')).toBeGreaterThan(
      BigInt(cursor.highestCommittedUsn ?? '0'),
    );
    expect((await readAll(source, 'incremental', changed.read.cursor)).people).toEqual([]);
    await setDisabled(dc, dns.future ?? '', false);
  });

  it('re-reads the members of a mapped group that changed', async () => {
    const mapped = sourceWith({ groupMappings: [{ group: groups.direct }] });
    const { read } = await readAll(mapped);
    await changeGroupMembers(dc, groups.direct ?? '', 'add', [dns.mobile ?? '']);
    const changed = await readAll(mapped, 'incremental', read.cursor);
    expect(changed.read.changedGroups()).toContain(groups.direct);
    expect(changed.byUsername.get('mobile')?.groups).toEqual([groups.direct]);
    await changeGroupMembers(dc, groups.direct ?? '', 'delete', [dns.mobile ?? '']);
  });

  it('sees enable, expiry and group moves incrementally, and a deleted person only by absence', async () => {
    const mapped = sourceWith({
      groupMappings: [{ group: groups.direct }, { group: groups.child }],
    });
    const { read } = await readAll(mapped);
    await addPeople(dc, [{ name: 'leaver', parent: staffDn, sn: 'Уходящий' }]);
    const leaver = await dc.dnOf('leaver');
    const afterAdd = await readAll(mapped, 'incremental', read.cursor);
    expect(afterAdd.people.map((person) => person.username)).toEqual(['leaver']);

    await setDisabled(dc, dns.petrov ?? '', false);
    await setExpiry(dc, dns.mobile ?? '', new Date(Date.now() - 60_000));
    await moveBetweenGroups(dc, dns.petrov ?? '', groups.direct ?? '', groups.child ?? '');
    await deleteEntry(dc, leaver);
    const changed = await readAll(mapped, 'incremental', afterAdd.read.cursor);
    expect(changed.byUsername.get('petrov')).toMatchObject({
      disabled: false,
      groups: [groups.child],
    });
    expect(changed.byUsername.get('mobile')?.disabled).toBe(true);
    // Who left a changed group shows in its member list (the engine compares with what it has).
    expect(changed.read.changedGroupMembers.get(groups.direct ?? '')).not.toContain(dns.petrov);
    expect(changed.read.changedGroupMembers.get(groups.child ?? '')).toContain(dns.petrov);
    // Deletions are not in a uSNChanged search (the entry went to Deleted Objects): full reads find them.
    expect(changed.byUsername.has('leaver')).toBe(false);
    expect((await readAll(mapped)).byUsername.has('leaver')).toBe(false);

    await moveBetweenGroups(dc, dns.petrov ?? '', groups.child ?? '', groups.direct ?? '');
    await setDisabled(dc, dns.petrov ?? '', true);
    await setExpiry(dc, dns.mobile ?? '', null);
  });

  it('refuses an incremental read from another DC (invocationId) or without a cursor', async () => {
    const { read } = await readAll(source);
    await expect(
      readAll(source, 'incremental', {
        ...read.cursor,
        invocationId: '00000000-0000-0000-0000-000000000001',
      }),
    ).rejects.toBeInstanceOf(IncrementalNotPossibleError);
    await expect(readAll(source, 'incremental', null)).rejects.toBeInstanceOf(
      IncrementalNotPossibleError,
    );
  });

  it('fails (does not return an empty read) when the bind or the base is wrong', async () => {
    await expect(readAll(sourceWith({ baseDn: `OU=Nowhere,${dc.baseDn}` }))).rejects.toThrow();
    process.env.DIRECTORY_BIND_PASSWORD_TEST_LDAP_READER_WRONG = 'wrong-password';
    await expect(
      readAll(sourceWith({ bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_TEST_LDAP_READER_WRONG' })),
    ).rejects.toThrow();
  });
});
