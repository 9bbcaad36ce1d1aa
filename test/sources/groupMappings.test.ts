import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import type { MemoryDirectory } from './memoryDirectory.ts';
import { sourcePerson } from './memoryDirectory.ts';
import {
  closeEngineSuite,
  defineSource,
  peopleOf,
  planOf,
  startEngineSuite,
  sync,
} from './support.ts';

let context: TestContext;
let api: ApiClient;
let directories: Map<string, MemoryDirectory>;
let counter = 0;

beforeAll(async () => {
  ({ context, directories, api } = await startEngineSuite());
});

afterAll(() => closeEngineSuite(context));

/** A source with two group mappings, and the names (unique per test) they use. */
async function mappedSource() {
  counter += 1;
  const n = `${Date.now().toString(36)}${counter}`;
  const names = {
    sales: `CN=Sales ${n},OU=Groups,DC=corp,DC=example,DC=test`,
    everyone: `CN=Everyone ${n},OU=Groups,DC=corp,DC=example,DC=test`,
    allSpace: `All ${n}`,
    salesSpace: `Sales ${n}`,
    salesOrg: `Коммерческий департамент ${n}`,
    department: `Бухгалтерия ${n}`,
    otherDepartment: `ИТ ${n}`,
  };
  const source = await defineSource(api, directories);
  const response = await api.request('PATCH', `/api/v1/directory-sources/${source.id}`, {
    body: {
      connection: {
        groupMappings: [
          // Config order decides the organization: Sales first.
          {
            group: names.sales,
            spaces: [names.salesSpace, names.allSpace],
            organization: names.salesOrg,
          },
          { group: names.everyone, spaces: [names.allSpace.toUpperCase()] },
        ],
      },
    },
  });
  expect(response.status, response.text).toBe(200);
  return { ...source, names };
}

/** A person's spaces (all of them, mapped or not), by name. */
async function spacesOf(userId: string | undefined): Promise<string[]> {
  const { rows } = await context.services.pool.query<{ name: string }>(
    `select s.name from space_member m join space s on s.id = m.space_id
      where m.user_id = $1 order by lower(s.name)`,
    [userId],
  );
  return rows.map((row) => row.name);
}

describe('group mappings', () => {
  it('puts people into mapped spaces and organizations, and takes them out of mapped spaces only', async () => {
    const { id, directory, names } = await mappedSource();
    // DNs compare case-insensitively: the directory may spell them differently from the config.
    const anna = sourcePerson({
      givenName: 'Анна',
      department: names.department,
      groups: [names.sales.toUpperCase(), names.everyone],
    });
    const boris = sourcePerson({
      givenName: 'Борис',
      department: names.otherDepartment,
      groups: [names.everyone],
    });
    const vera = sourcePerson({ givenName: 'Вера', department: names.department });
    directory.put(anna, boris, vera);
    const first = await sync(api, id);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({ create: 3, applied: 3, spacesCreated: 2 });
    let people = await peopleOf(context.services, id);
    const row = (externalId: string) => people.find((p) => p.external_id === externalId);
    expect(row(anna.externalId)?.organization).toBe(names.salesOrg);
    expect(row(boris.externalId)?.organization).toBe(names.otherDepartment);
    expect(row(vera.externalId)?.organization).toBe(names.department);
    expect(await spacesOf(row(anna.externalId)?.id)).toEqual([names.allSpace, names.salesSpace]);
    expect(await spacesOf(row(boris.externalId)?.id)).toEqual([names.allSpace]);
    expect(await spacesOf(row(vera.externalId)?.id)).toEqual([]);

    // A space no mapping names, joined by hand: the sync never touches it.
    const manual = `Manual ${names.allSpace}`;
    await context.services.pool.query(
      `with s as (insert into space (id, name) values (gen_random_uuid(), $1) returning id)
       insert into space_member (space_id, user_id) select s.id, $2 from s`,
      [manual, row(anna.externalId)?.id],
    );

    directory.change(anna.externalId, { groups: [] });
    directory.change(boris.externalId, { groups: [names.everyone, names.sales] });
    const dry = await sync(api, id, 'dry-run');
    expect(dry.status).toBe('planned');
    const dryPlan = await planOf(api, dry.id);
    expect(dryPlan.find((line) => line.externalId === anna.externalId)?.diff).toEqual({
      organization: { from: names.salesOrg, to: names.department },
      spaces: { from: [names.allSpace, names.salesSpace], to: [] },
    });
    expect(dryPlan.find((line) => line.externalId === boris.externalId)?.diff).toEqual({
      organization: { from: names.otherDepartment, to: names.salesOrg },
      spaces: { from: [names.allSpace], to: [names.allSpace, names.salesSpace] },
    });
    // Vera's entry is as her person recorded it: recognized by its digest, not planned again.
    expect(dryPlan.find((line) => line.externalId === vera.externalId)).toBeUndefined();
    expect(dry.counts).toMatchObject({ unchanged: 1, unchangedByDigest: 1 });
    // A dry run changes nothing.
    expect(await spacesOf(row(anna.externalId)?.id)).toEqual([
      names.allSpace,
      manual,
      names.salesSpace,
    ]);

    const applied = await sync(api, id);
    expect(applied.counts).toMatchObject({ update: 2, unchanged: 1, applied: 2, spacesCreated: 0 });
    const plan = await planOf(api, applied.id);
    const shape = (lines: typeof plan) =>
      lines.map((line) => [line.externalId, line.action, line.diff]);
    expect(shape(plan)).toEqual(shape(dryPlan));
    people = await peopleOf(context.services, id);
    expect(await spacesOf(row(anna.externalId)?.id)).toEqual([manual]);
    expect(await spacesOf(row(boris.externalId)?.id)).toEqual([names.allSpace, names.salesSpace]);
    expect(row(anna.externalId)?.organization).toBe(names.department);
    expect(row(boris.externalId)?.organization).toBe(names.salesOrg);

    const again = await sync(api, id);
    expect(again.counts).toMatchObject({ unchanged: 3, update: 0, applied: 0 });

    // The source is the actor; one event per person and direction, listing the spaces.
    const { rows: events } = await context.services.pool.query<{
      action: string;
      actor_label: string;
      spaces: string[];
    }>(
      `select action, actor_label,
              array(select x->>'name' from jsonb_array_elements(details->'spaces') x order by 1) as spaces
         from audit_event where target_id = $1 and action like 'space.member_%' order by seq`,
      [row(anna.externalId)?.id],
    );
    expect(events).toEqual([
      {
        action: 'space.member_added',
        actor_label: `source:${id}`,
        spaces: [names.allSpace, names.salesSpace],
      },
      {
        action: 'space.member_removed',
        actor_label: `source:${id}`,
        spaces: [names.allSpace, names.salesSpace],
      },
    ]);
    const { rows: created } = await context.services.pool.query(
      `select target_label from audit_event where action = 'space.created' and actor_label = $1
        order by target_label`,
      [`source:${id}`],
    );
    expect(created).toEqual([{ target_label: names.allSpace }, { target_label: names.salesSpace }]);
  });

  it('leaves a deactivated person in their spaces', async () => {
    const { id, directory, names } = await mappedSource();
    const person = sourcePerson({ groups: [names.sales] });
    directory.put(person);
    await sync(api, id);
    directory.change(person.externalId, { disabled: true, groups: [] });
    const run = await sync(api, id);
    const [line] = await planOf(api, run.id);
    expect(line?.action).toBe('deactivate');
    expect(line?.diff.spaces).toBeUndefined();
    const [row] = await peopleOf(context.services, id);
    expect(row?.status).toBe('deactivated');
    expect(await spacesOf(row?.id)).toEqual([names.allSpace, names.salesSpace]);
  });

  it('takes a person who left a group out of its spaces on an incremental run (re-read by id)', async () => {
    const { id, directory, names } = await mappedSource();
    const leaver = sourcePerson({ groups: [names.sales], department: names.department });
    const stayer = sourcePerson({ groups: [names.sales] });
    const bystander = sourcePerson({ groups: [names.everyone] });
    directory.put(leaver, stayer, bystander);
    expect((await sync(api, id)).status).toBe('succeeded');
    // AD: the group changes, the leaver does not; the group's current members no longer name them.
    directory.moveQuietly(leaver.externalId, []);
    const run = await sync(api, id, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    // Only the people of the changed group's spaces and organization not read already.
    expect(directory.readPeopleCalls.at(-1)?.sort()).toEqual(
      [leaver.externalId, bystander.externalId].sort(),
    );
    const items = await planOf(api, run.id);
    const item = items.find((line) => line.externalId === leaver.externalId);
    expect(item?.diff).toEqual({
      organization: { from: names.salesOrg, to: names.department },
      spaces: { from: [names.allSpace, names.salesSpace], to: [] },
    });
    const rows = await peopleOf(context.services, id);
    const row = (externalId: string) => rows.find((r) => r.external_id === externalId);
    expect(await spacesOf(row(leaver.externalId)?.id)).toEqual([]);
    expect(await spacesOf(row(stayer.externalId)?.id)).toEqual([names.allSpace, names.salesSpace]);
    expect(await spacesOf(row(bystander.externalId)?.id)).toEqual([names.allSpace]);
  });

  it('fails an incremental run whose re-read of group leavers fails, and changes nothing', async () => {
    const { id, directory, names } = await mappedSource();
    const leaver = sourcePerson({ groups: [names.sales] });
    directory.put(leaver);
    await sync(api, id);
    directory.moveQuietly(leaver.externalId, []);
    directory.failReadPeople = true;
    const run = await sync(api, id, 'incremental');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^read failed/);
    const [row] = await peopleOf(context.services, id);
    expect(await spacesOf(row?.id)).toEqual([names.allSpace, names.salesSpace]);
    directory.failReadPeople = false;
    expect((await sync(api, id, 'incremental')).status).toBe('succeeded');
    expect(await spacesOf(row?.id)).toEqual([]);
  });
});
