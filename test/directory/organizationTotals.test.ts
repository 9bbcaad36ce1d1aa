import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface Org {
  id: string;
  name: string;
  memberCount: number;
  totalMemberCount: number;
}
type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let auditor: Client;
const orgs: Record<string, Org> = {};

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  auditor = await signedIn(context, 'auditor');
  // Компания (1) ─ ИТ (2) ─ Поддержка (3)
  //              └ Финансы (0) ─ Казначейство (4)
  const tree: [string, string | null, number][] = [
    ['Компания', null, 1],
    ['ИТ', 'Компания', 2],
    ['Поддержка', 'ИТ', 3],
    ['Финансы', 'Компания', 0],
    ['Казначейство', 'Финансы', 4],
  ];
  for (const [name, parent, people] of tree) {
    const created = await superadmin.api.post<Org>('/api/v1/organizations', {
      name,
      kind: 'department',
      parentId: parent ? orgs[parent]?.id : undefined,
    });
    expect(created.status, created.text).toBe(201);
    orgs[name] = created.body;
    for (let i = 0; i < people; i++)
      await createPerson(context.services, { organizationId: created.body.id });
  }
});
afterAll(async () => {
  await context?.close();
});

describe('organization counts include sub-organizations', () => {
  it('the tree gives direct and subtree totals for every node in one answer', async () => {
    const tree = await auditor.api.get<{ data: Org[] }>('/api/v1/organizations?tree=true');
    expect(tree.status).toBe(200);
    const byName = new Map(tree.body.data.map((o) => [o.name, o]));
    expect(byName.get('Компания')).toMatchObject({ memberCount: 1, totalMemberCount: 10 });
    expect(byName.get('ИТ')).toMatchObject({ memberCount: 2, totalMemberCount: 5 });
    expect(byName.get('Поддержка')).toMatchObject({ memberCount: 3, totalMemberCount: 3 });
    expect(byName.get('Финансы')).toMatchObject({ memberCount: 0, totalMemberCount: 4 });
    expect(byName.get('Казначейство')).toMatchObject({ memberCount: 4, totalMemberCount: 4 });
  });

  it('a subtree, a filtered tree, a page and a card give the same totals', async () => {
    const it = orgs.ИТ as Org;
    const sub = await auditor.api.get<{ data: Org[] }>(
      `/api/v1/organizations?tree=true&parentId=${orgs.Компания?.id}`,
    );
    expect(sub.body.data.find((o) => o.id === it.id)?.totalMemberCount).toBe(5);
    const filtered = await auditor.api.get<{ data: Org[] }>(
      `/api/v1/organizations?tree=true&q=${encodeURIComponent('Финансы')}`,
    );
    expect(filtered.body.data.map((o) => [o.name, o.totalMemberCount])).toEqual([['Финансы', 4]]);
    const page = await auditor.api.get<{ data: Org[] }>('/api/v1/organizations?parentId=root');
    expect(page.body.data.find((o) => o.name === 'Компания')?.totalMemberCount).toBe(10);
    const card = await auditor.api.get<Org>(`/api/v1/organizations/${it.id}`);
    expect(card.body).toMatchObject({ memberCount: 2, totalMemberCount: 5 });
  });

  it('moving a branch moves its people in the totals', async () => {
    const moved = await superadmin.api.get<Org & { version: number }>(
      `/api/v1/organizations/${orgs.Поддержка?.id}`,
    );
    const update = await superadmin.api.patch(`/api/v1/organizations/${orgs.Поддержка?.id}`, {
      parentId: orgs.Финансы?.id,
      version: moved.body.version,
    });
    expect(update.status, update.text).toBe(200);
    const tree = await auditor.api.get<{ data: Org[] }>('/api/v1/organizations?tree=true');
    const byName = new Map(tree.body.data.map((o) => [o.name, o.totalMemberCount]));
    expect(Object.fromEntries(byName)).toMatchObject({
      Компания: 10,
      ИТ: 2,
      Финансы: 7,
      Поддержка: 3,
    });
  });
});
