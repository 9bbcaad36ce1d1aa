import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migration20261204150000CoreAccounts } from '../../server/db/migrations/Migration20261204150000CoreAccounts.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { inScratchSchema, migrationUpSql } from './migrationSupport.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context?.close();
});

describe('the CoreAccounts migration on an existing database', () => {
  it('keeps everyone the account they have in the core and completes undelivered events', async () => {
    const sql = await migrationUpSql(context, Migration20261204150000CoreAccounts);
    // The tables as they were before, in a schema of their own (rolled back), as the owner.
    await inScratchSchema(context, 'before_core_accounts', async (client) => {
      await client.query(`
        create table app_user (id uuid primary key, username text, created_at timestamptz not null);
        create table outbox_event (id bigint primary key, payload jsonb not null,
                                   delivered_at timestamptz, skipped_at timestamptz);
        insert into app_user values
          ('00000000-0000-4000-8000-000000000001', 'ivan', '2026-01-01'),
          ('00000000-0000-4000-8000-000000000002', 'Ivan', '2026-02-01'),
          ('00000000-0000-4000-8000-000000000003', null, '2026-03-01');
        insert into outbox_event values
          (1, '{"type":"person.upserted","person":{"userId":"a","username":"Anna"}}', null, null),
          (2, '{"type":"person.deactivated","userId":"a","username":"anna"}', null, null),
          (3, '{"type":"space.members_changed","added":[{"userId":"a","username":"Anna"}],"removed":[]}', null, null),
          (4, '{"type":"space.upserted","spaceId":"s","name":"Ops"}', null, null),
          (5, '{"type":"person.deactivated","userId":"b","username":"boris"}', now(), null);`);
      await client.query(sql);

      const people = await client.query<{ username: string | null; core_account: string | null }>(
        'select username, core_account from app_user order by created_at',
      );
      expect(people.rows).toEqual([
        { username: 'ivan', core_account: 'ivan' },
        // Logins that differ only in case: the older person keeps the account.
        { username: 'Ivan', core_account: 'u00000000000040008000000000000002' },
        { username: null, core_account: null },
      ]);
      const events = await client.query<{ payload: unknown }>(
        'select payload from outbox_event order by id',
      );
      expect(events.rows.map((row) => row.payload)).toEqual([
        { type: 'person.upserted', person: { userId: 'a', username: 'Anna', coreAccount: 'anna' } },
        { type: 'person.deactivated', userId: 'a', username: 'anna', coreAccount: 'anna' },
        {
          type: 'space.members_changed',
          added: [{ userId: 'a', username: 'Anna', coreAccount: 'anna' }],
          removed: [],
        },
        { type: 'space.upserted', spaceId: 's', name: 'Ops' },
        // Delivered already: left as it was.
        { type: 'person.deactivated', userId: 'b', username: 'boris' },
      ]);

      // From now on the database assigns accounts itself.
      await client.query(`insert into app_user (id, username, created_at) values
        ('00000000-0000-4000-8000-000000000004', 'IVAN', now()),
        ('00000000-0000-4000-8000-000000000005', 'petr', now())`);
      const added = await client.query<{ core_account: string }>(
        'select core_account from app_user where created_at > $1 order by id',
        ['2026-06-01'],
      );
      expect(added.rows.map((row) => row.core_account)).toEqual([
        'u00000000000040008000000000000004',
        'petr',
      ]);
    });
  });
});
