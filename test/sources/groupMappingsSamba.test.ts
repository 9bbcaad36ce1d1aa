import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import {
  addGroupWithMembers,
  addOu,
  addPeople,
  changeGroupMembers,
} from '../support/sambaPeople.ts';
import { addSambaSource, peopleOf, sync } from './support.ts';

/** Group mappings end to end: the real LDAP reader's memberOf → plan → apply. */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_SYNC_AD_GROUPS_PASSWORD';
const SOURCE = 'samba-ad-groups';

describe.skipIf(!sambaAvailable)('group mappings against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let people: string[];
  let sales: string;

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const staff = await addOu(dc, 'Staff');
    people = await addPeople(dc, [
      { name: 'orlova', parent: staff, givenName: 'Ольга', sn: 'Орлова', department: 'ИТ' },
      { name: 'belov', parent: staff, givenName: 'Павел', sn: 'Белов', department: 'ИТ' },
    ]);
    sales = await addGroupWithMembers(dc, 'Отдел продаж', [people[0] ?? '']);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addSambaSource(api, dc, {
      id: SOURCE,
      name: 'Samba AD groups',
      passwordEnv: PASSWORD_ENV,
      baseDn: staff,
      connection: {
        // The config spells the DN in another case than the directory: compared case-insensitively.
        groupMappings: [
          { group: sales.toUpperCase(), spaces: ['Продажи AD'], organization: 'Продажи' },
        ],
      },
    });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  const spaceMembers = async () => {
    const { rows } = await context.services.pool.query<{ username: string }>(
      `select u.username from space_member m join space s on s.id = m.space_id
         join app_user u on u.id = m.user_id where s.name = 'Продажи AD' order by u.username`,
    );
    return rows.map((row) => row.username);
  };

  it('follows memberOf into the mapped space and organization', async () => {
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(await spaceMembers()).toEqual(['orlova']);
    const orgs = new Map(
      (await peopleOf(context.services, SOURCE)).map((p) => [p.username, p.organization]),
    );
    expect(orgs).toEqual(
      new Map([
        ['belov', 'ИТ'],
        ['orlova', 'Продажи'],
      ]),
    );

    // Moving between groups changes the group's `member`, not the people: a full run sees it.
    await changeGroupMembers(dc, sales, 'delete', [people[0] ?? '']);
    await changeGroupMembers(dc, sales, 'add', [people[1] ?? '']);
    const second = await sync(api, SOURCE, 'full');
    expect(second.status, second.error ?? '').toBe('succeeded');
    expect(second.counts).toMatchObject({ update: 2 });
    expect(await spaceMembers()).toEqual(['belov']);
  });
});
