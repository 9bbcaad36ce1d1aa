import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { expectScimError, ScimClient, startScimContext } from './scimSupport.ts';

let context: TestContext;
let superadmin: ApiClient;
let auditor: ApiClient;
let admin: ApiClient;

beforeAll(async () => {
  context = await startScimContext();
  ({ api: superadmin } = await signedIn(context, 'superadmin'));
  ({ api: auditor } = await signedIn(context, 'auditor'));
  ({ api: admin } = await signedIn(context, 'admin'));
});

afterAll(async () => {
  await context?.close();
});

interface TokenView {
  id: string;
  name: string;
  origin: string;
  prefix: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  token?: string;
}

describe('SCIM tokens', () => {
  it('makes a token shown once; it authenticates SCIM requests and is listed without its secret', async () => {
    const created = await superadmin.post<TokenView>('/api/v1/scim-tokens', { name: 'Workday' });
    expect(created.status, created.text).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^scim_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(token.slice(5, 17)).toBe(created.body.prefix);
    const scim = new ScimClient(context.baseUrl, token);
    const res = await scim.get('/ServiceProviderConfig');
    expect(res.status, res.text).toBe(200);
    expect(res.body.patch).toEqual({ supported: true });
    const listed = await auditor.get<{ data: TokenView[] }>('/api/v1/scim-tokens');
    expect(listed.status).toBe(200);
    const mine = listed.body.data.find((t) => t.id === created.body.id) as TokenView;
    expect(mine.token).toBeUndefined();
    expect(mine.lastUsedAt).not.toBeNull();
    expect(listed.text).not.toContain(token.slice(18));
    expect(listed.body.data.find((t) => t.origin === 'config')?.name).toBe('entra');
    const { rows } = await context.services.pool.query(
      "select actor_label from audit_event where action = 'scim_token.created' and target_id = $1",
      [created.body.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('audits SCIM writes with the token name as the actor', async () => {
    const created = await superadmin.post<TokenView>('/api/v1/scim-tokens', { name: 'okta' });
    const scim = new ScimClient(context.baseUrl, created.body.token as string);
    const res = await scim.post('/Groups', { displayName: 'Token actor group' });
    expect(res.status, res.text).toBe(201);
    const { rows } = await context.services.pool.query(
      "select actor_label from audit_event where action = 'space.created' and target_id = $1",
      [res.body.id],
    );
    expect(rows[0]?.actor_label).toBe('scim:okta');
  });

  it('refuses a revoked token, a wrong one and none (401 with WWW-Authenticate)', async () => {
    const created = await superadmin.post<TokenView>('/api/v1/scim-tokens', { name: 'to revoke' });
    const token = created.body.token as string;
    const revoked = await superadmin.delete<TokenView>(`/api/v1/scim-tokens/${created.body.id}`);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const res = await new ScimClient(context.baseUrl, token).get('/Users');
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expectScimError(
      await new ScimClient(context.baseUrl, `${token.slice(0, -2)}AA`).get('/Users'),
      401,
    );
    expectScimError(await new ScimClient(context.baseUrl, null).get('/Users'), 401);
    expectScimError(await new ScimClient(context.baseUrl, 'nonsense').get('/Schemas'), 401);
    const { rows } = await context.services.pool.query(
      "select count(*)::int as n from audit_event where action = 'scim.request_denied'",
    );
    // One event per client address per minute, however many refusals.
    expect(rows[0].n).toBe(1);
    expect((await superadmin.delete(`/api/v1/scim-tokens/${created.body.id}`)).status).toBe(409);
  });

  it('lets only superadmins make and revoke tokens', async () => {
    expect((await admin.get('/api/v1/scim-tokens')).status).toBe(403);
    expect((await auditor.post('/api/v1/scim-tokens', { name: 'x' })).status).toBe(403);
    expect((await superadmin.post('/api/v1/scim-tokens', { name: '' })).status).toBe(400);
    expect(
      (await superadmin.delete('/api/v1/scim-tokens/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
  });

  it('serves discovery: ServiceProviderConfig, ResourceTypes, Schemas', async () => {
    const scim = new ScimClient(context.baseUrl);
    const types = await scim.get('/ResourceTypes');
    expect((types.body.Resources as { id: string }[]).map((t) => t.id)).toEqual(['User', 'Group']);
    const user = await scim.get('/ResourceTypes/User');
    expect(user.body.schemaExtensions).toEqual([
      { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false },
      { schema: 'urn:frisbee:params:scim:schemas:extension:hr:2.0:User', required: false },
    ]);
    const schemas = await scim.get('/Schemas');
    expect(schemas.body.totalResults).toBe(4);
    const hr = await scim.get('/Schemas/urn:frisbee:params:scim:schemas:extension:hr:2.0:User');
    expect((hr.body.attributes as { name: string }[]).map((a) => a.name)).toEqual([
      'hireDate',
      'terminationDate',
      'suspended',
    ]);
    const spc = await scim.get('/ServiceProviderConfig');
    expect(spc.body).toMatchObject({
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      etag: { supported: true },
    });
  });
});
