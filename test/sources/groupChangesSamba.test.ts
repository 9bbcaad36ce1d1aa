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
  moveBetweenGroups,
} from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { changedItems, expectGroupMovesApplied, spaceMembers } from './groupChangesSupport.ts';
import { sync } from './support.ts';

/**
 * Group membership changes reach INCREMENTAL runs against Samba AD: adding or removing a member
 * changes the group's uSNChanged, not the person's, so the reader re-reads the changed mapped
 * groups' members and the engine re-reads who may have left them.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_SYNC_AD_GROUP_CHANGES_PASSWORD';

describe.skipIf(!sambaAvailable)('incremental group changes against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  const dns: Record<string, string> = {};
  let sales: string;
  let support: string;
  let parent: string;
  let child: string;

  const defineSource = async (id: string, baseDn: string, extra: Record<string, unknown>) => {
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id,
        name: id,
        connection: {
          kind: 'active-directory',
          url: dc.url,
          allowPlain: true,
          bindDn: dc.adminDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn,
          groupBaseDn: dc.baseDn,
          timeoutMs: DIRECTORY_REQUEST_MS,
          ...extra,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
  };

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const staff = await addOu(dc, 'Staff');
    const nested = await addOu(dc, 'Nested');
    const groupsOu = await addOu(dc, 'Groups');
    const [anna, boris, vera, gleb, olga, pavel] = await addPeople(dc, [
      { name: 'anna', parent: staff, sn: 'Анина', department: 'ИТ' },
      { name: 'boris', parent: staff, sn: 'Борисов', department: 'ИТ' },
      { name: 'vera', parent: staff, sn: 'Верина', department: 'ИТ' },
      { name: 'gleb', parent: staff, sn: 'Глебов', department: 'ИТ' },
      { name: 'olga', parent: nested, sn: 'Ольгина', department: 'Склад' },
      { name: 'pavel', parent: nested, sn: 'Павлов', department: 'Склад' },
    ]);
    Object.assign(dns, { anna, boris, vera, gleb, olga, pavel });
    // Names with filter metacharacters: the member searches escape them (RFC 4515).
    sales = await addGroupWithMembers(
      dc,
      'Продажи (B2B) *юг*',
      [anna ?? '', boris ?? ''],
      groupsOu,
    );
    support = await addGroupWithMembers(dc, 'Поддержка \\ L2', [vera ?? ''], groupsOu);
    child = await addGroupWithMembers(dc, 'Смена ночь', [olga ?? ''], groupsOu);
    parent = await addGroupWithMembers(dc, 'Склад (все)', [child], groupsOu);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await defineSource('ad-group-changes', staff, {
      groupMappings: [
        { group: sales, spaces: ['Продажи', 'Все'], organization: 'Отдел продаж' },
        { group: support, spaces: ['Поддержка', 'Все'] },
      ],
    });
    await defineSource('ad-group-chain', nested, {
      nestedGroups: true,
      groupMappings: [{ group: parent.toUpperCase(), spaces: ['Склад'] }],
    });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('moves, removals and additions reach the spaces on an incremental run, as a dry run shows', async () => {
    const first = await sync(api, 'ad-group-changes', 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(await spaceMembers(context, 'Продажи')).toEqual(['anna', 'boris']);
    expect(await spaceMembers(context, 'Поддержка')).toEqual(['vera']);

    await moveBetweenGroups(dc, dns.anna ?? '', sales, support);
    await changeGroupMembers(dc, sales, 'delete', [dns.boris ?? '']);
    await changeGroupMembers(dc, sales, 'add', [dns.gleb ?? '']);

    await expectGroupMovesApplied(api, context, 'ad-group-changes');

    // Nothing changed since: the next incremental run reads nobody.
    const quiet = await sync(api, 'ad-group-changes', 'incremental');
    expect(quiet.status, quiet.error ?? '').toBe('succeeded');
    expect(quiet.counts.read).toBe(0);
  });

  it('follows a nested group with the chain rule (nestedGroups)', async () => {
    const first = await sync(api, 'ad-group-chain', 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(await spaceMembers(context, 'Склад')).toEqual(['olga']);

    // Only the nested group changes; the mapped one does not.
    await moveBetweenGroups(dc, dns.olga ?? '', child, sales);
    await changeGroupMembers(dc, child, 'add', [dns.pavel ?? '']);
    const dry = await sync(api, 'ad-group-chain', 'dry-run');
    const incremental = await sync(api, 'ad-group-chain', 'incremental');
    expect(incremental.status, incremental.error ?? '').toBe('succeeded');
    expect(incremental.readMode).toBe('incremental');
    const planned = await changedItems(api, context, dry.id);
    expect(await changedItems(api, context, incremental.id)).toEqual(planned);
    expect(planned).toEqual({
      olga: { spaces: { from: ['Склад'], to: [] } },
      pavel: { spaces: { from: [], to: ['Склад'] } },
    });
    expect(await spaceMembers(context, 'Склад')).toEqual(['pavel']);
  });
});
