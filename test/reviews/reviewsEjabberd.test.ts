import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupId } from '../../server/core/connectors/ejabberd/groups.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { DeliveryWorker } from '../../server/core/delivery/worker.ts';
import type { CampaignView, ItemView } from '../../server/identity/reviews/schemas.ts';
import { connectorFor } from '../core/ejabberdSetup.ts';
import { waitFor } from '../core/outboxReceiver.ts';
import type { ApiClient } from '../support/api.ts';
import { type Ejabberd, ejabberdAvailable, startEjabberd } from '../support/ejabberd.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { OUTBOX_DELIVERY_MS } from '../support/timeouts.ts';

/**
 * Issue 18's "a revoked membership is seen in the core": a reviewer's revocation in an access
 * review travels the space-membership path (outbox → ejabberd connector) and the person leaves
 * the space's shared roster group in a real ejabberd.
 */
let context: TestContext;
let ejabberd: Ejabberd;
let worker: DeliveryWorker | null = null;
let admin: ApiClient;

beforeAll(async () => {
  if (!ejabberdAvailable) return;
  context = await startTestContext();
  ejabberd = await startEjabberd({ serviceUrl: context.baseUrl });
  await registerConnectors(context.services, [{ name: 'ejabberd', kind: 'ejabberd' }]);
  worker = new DeliveryWorker(context.services, [connectorFor(ejabberd)], {
    pollIntervalMs: 200,
    baseDelayMs: 50,
    maxDelayMs: 1000,
  });
  await worker.start();
  admin = (await signedIn(context, 'superadmin')).api;
});
afterAll(async () => {
  await worker?.stop();
  await ejabberd?.close();
  await context?.close();
});

const pending = async () =>
  (
    await context.services.pool.query<{ n: number }>(
      'select count(*)::int as n from outbox_event where delivered_at is null and dead_at is null',
    )
  ).rows[0]?.n ?? -1;

async function groupMembers(spaceId: string): Promise<string[]> {
  const body = (
    await ejabberd.command('srg_get_members', { group: groupId(spaceId), host: ejabberd.host })
  ).body;
  return Array.isArray(body) ? (body as string[]).sort() : [];
}

it.runIf(ejabberdAvailable)(
  'a membership revoked in a review leaves the space in ejabberd',
  async () => {
    const stamp = Date.now().toString(36);
    const people: { id: string; username: string }[] = [];
    for (const n of [1, 2]) {
      const created = await admin.post<{ id: string; username: string }>('/api/v1/users', {
        username: `rev${stamp}${n}`,
        familyName: `Проверкин${n}`,
        givenName: 'Иван',
        email: `rev${stamp}${n}@corp.example`,
        status: 'active',
      });
      expect(created.status, created.text).toBe(201);
      people.push(created.body);
    }
    const organization = await admin.post<{ id: string }>('/api/v1/organizations', {
      name: `Финансы ${stamp}`,
      kind: 'department',
    });
    expect(organization.status, organization.text).toBe(201);
    const space = await admin.post<{ id: string }>('/api/v1/spaces', {
      name: `Казначейство ${stamp}`,
      organizationId: organization.body.id,
    });
    expect(space.status, space.text).toBe(201);
    const added = await admin.post(`/api/v1/spaces/${space.body.id}/members`, {
      userIds: people.map((person) => person.id),
    });
    expect(added.status, added.text).toBeLessThan(300);
    const jid = (username: string) => `${username}@${ejabberd.host}`;
    const everyone = people.map((person) => jid(person.username)).sort();
    await waitFor(
      async () =>
        (await pending()) === 0 &&
        JSON.stringify(await groupMembers(space.body.id)) === JSON.stringify(everyone),
      OUTBOX_DELIVERY_MS,
    );

    const reviewer = await signedIn(context, 'staff');
    const campaign = await admin.post<CampaignView>('/api/v1/reviews/campaigns', {
      name: 'Участники пространств финансов',
      kind: 'space_members',
      organizationId: organization.body.id,
      reviewerRule: 'named',
      reviewerId: reviewer.user.id,
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      revokeMode: 'at_once',
      undecided: 'keep',
    });
    expect(campaign.status, campaign.text).toBe(201);
    expect(campaign.body.progress.total).toBe(2);
    const items = await reviewer.api.get<{ data: ItemView[] }>(
      `/api/v1/reviews/items?mine=true&campaignId=${campaign.body.id}`,
    );
    const [gone, kept] = people;
    const item = items.body.data.find((one) => one.person.id === gone?.id) as ItemView;
    const revoked = await reviewer.api.post<{ revoked: number }>(
      `/api/v1/reviews/items/${item.id}/decision`,
      { decision: 'revoke', note: 'Больше не работает с казначейством' },
    );
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.revoked).toBe(1);

    await waitFor(
      async () =>
        (await pending()) === 0 &&
        JSON.stringify(await groupMembers(space.body.id)) ===
          JSON.stringify([jid(kept?.username as string)]),
      OUTBOX_DELIVERY_MS,
    );
    expect(await groupMembers(space.body.id)).not.toContain(jid(gone?.username as string));

    const closed = await admin.post<CampaignView>(
      `/api/v1/reviews/campaigns/${campaign.body.id}/close`,
      {},
    );
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.progress).toMatchObject({ revoked: 1, applied: 1, undecidedAtClose: 1 });
    // The undecided membership was kept: still in the core.
    expect(await groupMembers(space.body.id)).toEqual([jid(kept?.username as string)]);
  },
);
