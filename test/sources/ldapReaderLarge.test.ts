import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DirectorySource,
  directorySourceSchema,
} from '../../server/shared/config/directorySources.ts';
import { groupMembers } from '../../server/sources/ldap/groups.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import {
  addGroupWithMembers,
  addOu,
  addPeopleOffline,
  adminLdaps,
  type BulkPerson,
  changeGroupMembers,
  personDn,
} from '../support/sambaPeople.ts';
import { BULK_SETUP_MS, BULK_TEST_MS, DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { readAll } from './ldapReaderSupport.ts';

/**
 * The AD reader over a few thousand entries: range retrieval of a group over 1,500 members, and a
 * DC that dies in the middle of a paged read (the read must throw, never end short).
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_LDAP_READER_LARGE_PASSWORD';
const PEOPLE = 2_000;
const BIG_GROUP = 1_600;

describe.skipIf(!sambaAvailable)('AD reader over thousands of entries (Samba DC)', () => {
  let dc: SambaDc;
  let source: DirectorySource;
  let people: BulkPerson[];
  let bigGroup: string;

  beforeAll(async () => {
    dc = await startSambaDc();
    try {
      process.env[PASSWORD_ENV] = dc.adminPassword;
      const staffDn = await addOu(dc, 'Staff');
      people = Array.from({ length: PEOPLE }, (_, n) => ({
        name: `bulk${n}`,
        parent: staffDn,
        givenName: `Иван${n}`,
        sn: 'Петров',
        department: `Отдел ${n % 20}`,
        employeeID: `E${n}`,
        disabled: n % 100 === 1,
      }));
      await addPeopleOffline(dc, people);
      bigGroup = await addGroupWithMembers(
        dc,
        'Все сотрудники',
        people.slice(0, BIG_GROUP).map((person) => personDn(dc, person)),
        staffDn,
      );
      source = directorySourceSchema.parse({
        id: 'corp-ad',
        kind: 'active-directory',
        url: dc.url,
        allowPlain: true,
        bindDn: dc.adminDn,
        bindPasswordEnv: PASSWORD_ENV,
        baseDn: staffDn,
        timeoutMs: DIRECTORY_REQUEST_MS,
      });
    } catch (error) {
      await dc.close();
      throw error;
    }
  }, BULK_SETUP_MS);

  afterAll(async () => {
    await dc?.close();
  });

  it('reads all of them in pages of 1,000', { timeout: BULK_TEST_MS }, async () => {
    const { people: read, pages } = await readAll(source);
    expect(read).toHaveLength(PEOPLE);
    expect(pages.map((page) => page.length)).toEqual([1_000, 1_000]);
    expect(new Set(read.map((person) => person.externalId)).size).toBe(PEOPLE);
    expect(read.filter((person) => person.disabled)).toHaveLength(PEOPLE / 100);
  });

  it('reads a group over 1,500 members with range retrieval', {
    timeout: BULK_TEST_MS,
  }, async () => {
    const client = await adminLdaps(dc);
    try {
      // Windows cuts the attribute at 1,500 values and renames it; Samba does so when asked.
      const first = await client.search(bigGroup, {
        scope: 'base',
        attributes: ['member;range=0-1499'],
      });
      const window = first.searchEntries[0]?.['member;range=0-1499'];
      expect(Array.isArray(window) ? window.length : 0).toBe(1_500);
      const members = await groupMembers(client, bigGroup);
      expect(members).toHaveLength(BIG_GROUP);
      expect(new Set(members.map((dn) => dn.toLowerCase()))).toEqual(
        new Set(people.slice(0, BIG_GROUP).map((person) => personDn(dc, person).toLowerCase())),
      );
    } finally {
      await client.unbind();
    }
  });

  it('re-reads all members of a big mapped group that changed, incrementally', {
    timeout: BULK_TEST_MS,
  }, async () => {
    const mapped = directorySourceSchema.parse({ ...source, groupMappings: [{ group: bigGroup }] });
    const { read } = await readAll(mapped);
    const newcomer = personDn(dc, people[PEOPLE - 1] as BulkPerson);
    await changeGroupMembers(dc, bigGroup, 'add', [newcomer]);
    const changed = await readAll(mapped, 'incremental', read.cursor);
    expect(changed.read.changedGroups()).toEqual([bigGroup]);
    expect(changed.people.length).toBe(BIG_GROUP + 1);
    expect(changed.people.find((person) => person.locator === newcomer)?.groups).toContain(
      bigGroup,
    );
  });

  it('throws when the DC dies in the middle of a paged read', {
    timeout: BULK_TEST_MS,
  }, async () => {
    // The DC going away ends the read (its connection closes), not the request timeout, which is
    // as generous as everywhere else.
    const small = directorySourceSchema.parse({
      ...source,
      pageSize: 200,
      timeoutMs: DIRECTORY_REQUEST_MS,
    });
    const read = await createDirectoryReader(small, { now: () => new Date() }).read({
      mode: 'full',
    });
    let seen = 0;
    const consume = async () => {
      for await (const page of read.pages) {
        seen += page.length;
        if (seen === 200) await dc.stop();
      }
    };
    try {
      await expect(consume()).rejects.toThrow();
      expect(seen).toBe(200);
    } finally {
      await dc.start();
    }
    // And the DC is back: a new read is whole again.
    expect((await readAll(source)).people).toHaveLength(PEOPLE);
  });
});
