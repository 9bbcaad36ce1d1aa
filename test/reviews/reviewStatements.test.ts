import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import type { CampaignView } from '../../server/identity/reviews/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { createOrganization, createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/**
 * The project's rule for bulk paths: set-based, never a statement per row. Closing an access
 * review that revokes the members of many spaces runs the same statements for 2 spaces as for
 * 12, and still leaves one audit event per membership and one core event per space.
 */
let context: TestContext;
let superadmin: ApiClient;
let reviewerId: string;

beforeAll(async () => {
  context = await startTestContext();
  // Outbox rows are written per registered connector: nothing delivers them in this test.
  await registerConnectors(context.services, [{ name: 'ejabberd', kind: 'ejabberd' }]);
  superadmin = (await signedIn(context, 'superadmin')).api;
  reviewerId = (await createPerson(context.services, { role: 'staff' })).id;
});
afterAll(async () => {
  await context?.close();
});

const MEMBERS_PER_SPACE = 3;

/** An organization of `spaces` spaces, three people in each (all with a core account). */
async function branch(spaces: number) {
  const tag = `${Date.now().toString(36)}${spaces}`;
  const organizationId = await createOrganization(context.services, `Филиал ${tag}`);
  const people = await Promise.all(
    Array.from({ length: MEMBERS_PER_SPACE }, () =>
      createPerson(context.services, { organizationId }),
    ),
  );
  const created = await context.services.pool.query<{ id: string }>(
    `insert into space (id, name, organization_id)
     select gen_random_uuid(), 'Пространство ' || $1 || ' ' || j, $2
       from generate_series(1, $3::int) as j returning id`,
    [tag, organizationId, spaces],
  );
  const spaceIds = created.rows.map((row) => row.id);
  await context.services.pool.query(
    `insert into space_member (space_id, user_id)
     select s, p from unnest($1::uuid[]) as s cross join unnest($2::uuid[]) as p`,
    [spaceIds, people.map((person) => person.id)],
  );
  return { organizationId, spaceIds, people };
}

/** Closes a campaign that revokes every membership of the branch; returns the statements run. */
async function closeRevokingAll(organizationId: string) {
  const created = await superadmin.post<CampaignView>('/api/v1/reviews/campaigns', {
    name: 'Участники пространств филиала',
    kind: 'space_members',
    organizationId,
    reviewerRule: 'named',
    reviewerId,
    dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    revokeMode: 'at_close',
    undecided: 'revoke',
  });
  expect(created.status, created.text).toBe(201);
  const knex = context.services.orm.em.getKnex();
  let statements = 0;
  const onQuery = () => {
    statements++;
  };
  knex.on('query', onQuery);
  try {
    const closed = await superadmin.post<CampaignView>(
      `/api/v1/reviews/campaigns/${created.body.id}/close`,
      {},
    );
    expect(closed.status, closed.text).toBe(200);
  } finally {
    knex.off('query', onQuery);
  }
  return { campaignId: created.body.id, statements };
}

describe('closing a campaign that revokes space memberships', () => {
  it('runs the same statements for 12 spaces as for 2, with every record of each removal', async () => {
    const few = await branch(2);
    const many = await branch(12);
    const small = await closeRevokingAll(few.organizationId);
    const large = await closeRevokingAll(many.organizationId);
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);

    const { pool } = context.services;
    expect(
      (
        await pool.query('select 1 from space_member where space_id = any($1::uuid[])', [
          many.spaceIds,
        ])
      ).rowCount,
    ).toBe(0);
    const outcomes = await pool.query<{ outcome: string; n: number }>(
      `select outcome, count(*)::int as n from review_item where campaign_id = $1 group by outcome`,
      [large.campaignId],
    );
    expect(outcomes.rows).toEqual([{ outcome: 'revoked', n: 12 * MEMBERS_PER_SPACE }]);

    // One audit event per membership, naming the person and the space, as a removal by hand.
    const audited = await pool.query<{
      target_id: string;
      target_label: string;
      space_id: string;
      space_name: string;
    }>(
      `select target_id, target_label, details->>'spaceId' as space_id,
              details->>'spaceName' as space_name
         from audit_event
        where action = 'space.member_removed' and target_type = 'User'
          and details->>'spaceId' = any($1::text[])`,
      [many.spaceIds],
    );
    expect(audited.rows).toHaveLength(12 * MEMBERS_PER_SPACE);
    const names = await pool.query<{ id: string; name: string }>(
      'select id, name from space where id = any($1::uuid[])',
      [many.spaceIds],
    );
    const nameOf = new Map(names.rows.map((row) => [row.id, row.name]));
    const labelOf = new Map(many.people.map((person) => [person.id, person.username]));
    for (const row of audited.rows) {
      expect(row.space_name).toBe(nameOf.get(row.space_id));
      expect(row.target_label).toBe(labelOf.get(row.target_id));
    }

    // One core event per space, with all its removed people.
    const events = await pool.query<{
      key: string;
      payload: { name: string; added: unknown[]; removed: { userId: string; username: string }[] };
    }>(
      `select key, payload from outbox_event
        where type = 'space.members_changed' and key = any($1::text[])`,
      [many.spaceIds],
    );
    expect(events.rows.map((row) => row.key).sort()).toEqual([...many.spaceIds].sort());
    // The outbox adds each person's core account name; the rest is what the removal said.
    const expected = [...many.people]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((person) => expect.objectContaining({ userId: person.id, username: person.username }));
    for (const event of events.rows) {
      expect(event.payload.name).toBe(nameOf.get(event.key));
      expect(event.payload.added).toEqual([]);
      expect([...event.payload.removed].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(
        expected,
      );
    }
  });
});
