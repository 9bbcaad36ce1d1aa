import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migration20261210010000MembershipReasons } from '../../server/db/migrations/Migration20261210010000MembershipReasons.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { inScratchSchema, migrationUpSql } from './migrationSupport.ts';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context?.close();
});

describe('the MembershipReasons migration on an existing database', () => {
  it('reads each existing membership’s reason from what the row and its person say', async () => {
    const sql = await migrationUpSql(context, Migration20261210010000MembershipReasons);
    // The tables as they were before, in a schema of their own (rolled back), as the owner.
    await inScratchSchema(context, 'before_membership_reasons', async (client) => {
      await client.query(`
        create table app_user (id text primary key, source_id text);
        create table space (id text primary key, source text not null);
        create table space_member (space_id text, user_id text, added_by_id text,
                                   primary key (space_id, user_id));
        insert into app_user values ('admin', null), ('synced', 'corp-ad'), ('local', null);
        insert into space values ('mapped', 'ad'), ('scim-group', 'scim'), ('by-hand', 'manual');
        insert into space_member values
          ('by-hand', 'synced', 'admin'),
          ('mapped', 'synced', null),
          ('scim-group', 'synced', null),
          ('scim-group', 'local', 'admin'),
          ('by-hand', 'local', null);`);
      await client.query(sql);
      const { rows } = await client.query<{
        space_id: string;
        user_id: string;
        via: string;
        via_source_id: string | null;
      }>('select space_id, user_id, via, via_source_id from space_member order by 1, 2');
      expect(rows).toEqual([
        { space_id: 'by-hand', user_id: 'local', via: 'import', via_source_id: null },
        { space_id: 'by-hand', user_id: 'synced', via: 'manual', via_source_id: null },
        { space_id: 'mapped', user_id: 'synced', via: 'directory_group', via_source_id: 'corp-ad' },
        { space_id: 'scim-group', user_id: 'local', via: 'manual', via_source_id: null },
        { space_id: 'scim-group', user_id: 'synced', via: 'scim', via_source_id: 'scim' },
      ]);
      // Rows written later without a reason read as by hand; an unknown reason is refused.
      await client.query(`insert into space_member (space_id, user_id) values ('mapped', 'admin')`);
      const { rows: later } = await client.query<{ via: string }>(
        `select via from space_member where user_id = 'admin'`,
      );
      expect(later).toEqual([{ via: 'manual' }]);
      await expect(
        client.query(`update space_member set via = 'guess' where user_id = 'admin'`),
      ).rejects.toThrow(/check constraint/);
    });
  });
});
