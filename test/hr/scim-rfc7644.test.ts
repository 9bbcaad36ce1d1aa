import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson, signIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import {
  CONFIG_TOKEN,
  expectScimError,
  GROUP_SCHEMA,
  ScimClient,
  scimUser,
  startScimContext,
} from './scimSupport.ts';

/*
 * Issue 12: the SCIM endpoint against the text of RFC 7644 (the protocol). Each test quotes the
 * section it checks. userName and control characters: scim-rfc7643.test.ts.
 */

let context: TestContext;
let scim: ScimClient;

beforeAll(async () => {
  context = await startScimContext();
  scim = new ScimClient(context.baseUrl);
});

afterAll(async () => {
  await context?.close();
});

type Body = Record<string, unknown>;

async function created(overrides: Body = {}): Promise<Body> {
  const res = await scim.post('/Users', scimUser(overrides));
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function person(userId: string) {
  const { rows } = await context.services.pool.query(
    `select id, username, status, status_source, scim_id, scim_user_name, scim_deleted_at,
            scim_external_id from app_user where id = $1`,
    [userId],
  );
  return rows[0];
}

const filtered = (filter: string) => scim.get(`/Users?filter=${encodeURIComponent(filter)}`);

/** Signs an admin in to the console and deactivates `userId` by hand. */
async function deactivateByHand(userId: string): Promise<void> {
  const admin = await signIn(context, await createPerson(context.services, { role: 'admin' }));
  const res = await admin.post(`/api/v1/users/${userId}/deactivate`, { reason: 'by hand' });
  expect(res.status, res.text).toBe(200);
}

describe('RFC 7644 §3.6 Deleting Resources', () => {
  /*
   * RFC 7644 §3.6: "Clients request resource removal via DELETE. Service providers MAY choose
   * not to permanently delete the resource but MUST return a 404 (Not Found) error code for all
   * operations associated with the previously deleted resource."
   * "In response to a successful DELETE, the server SHALL return a successful HTTP status code
   * 204 (No Content)."
   */
  it('answers 404 to GET, PUT, PATCH and DELETE of a deleted User, and keeps the person', async () => {
    const user = await created();
    const id = user.id as string;
    const deleted = await scim.delete(`/Users/${id}`);
    expect(deleted.status, deleted.text).toBe(204);

    expectScimError(await scim.get(`/Users/${id}`), 404);
    expectScimError(await scim.put(`/Users/${id}`, { ...user, title: 'Back' }), 404);
    expectScimError(
      await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'title', value: 'Back' }]),
      404,
    );
    expectScimError(await scim.delete(`/Users/${id}`), 404);

    // "MAY choose not to permanently delete": the person stays in the directory, deactivated,
    // with the door and the source in their status history.
    const row = await person(id);
    expect(row).toMatchObject({ status: 'deactivated', status_source: 'scim' });
    expect(row.scim_deleted_at).not.toBeNull();
    const { rows: history } = await context.services.pool.query(
      'select to_status, door from user_status_change where user_id = $1 order by id',
      [id],
    );
    expect(history).toEqual([{ to_status: 'deactivated', door: 'scim' }]);
    const { rows: audit } = await context.services.pool.query(
      `select action, details from audit_event where target_id = $1 and action = 'user.updated'`,
      [id],
    );
    expect(audit.map((event) => event.details)).toContainEqual(
      expect.objectContaining({ scimDeleted: true, scimId: id }),
    );
  });

  /*
   * RFC 7644 §3.6: "Service providers MUST omit the resource from future query results."
   */
  it('omits a deleted User from lists, filters, searches and group members', async () => {
    const kept = await created();
    const gone = await created();
    const goneId = gone.id as string;
    const group = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `RFC 3.6 ${Date.now()}`,
      members: [{ value: kept.id }, { value: goneId }],
    });
    expect(group.status, group.text).toBe(201);
    const groupId = group.body.id as string;
    expect((await scim.delete(`/Users/${goneId}`)).status).toBe(204);

    for (const filter of [
      `userName eq "${gone.userName}"`,
      `id eq "${goneId}"`,
      `externalId eq "${gone.externalId}"`,
      `userName eq "${gone.userName}" or userName eq "${kept.userName}"`,
    ]) {
      const res = await filtered(filter);
      expect(res.status, res.text).toBe(200);
      const ids = (res.body.Resources as Body[]).map((r) => r.id);
      expect(ids, filter).not.toContain(goneId);
    }
    const both = await filtered(`userName eq "${gone.userName}" or userName eq "${kept.userName}"`);
    expect(both.body.totalResults).toBe(1);
    const search = await scim.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `id eq "${goneId}"`,
    });
    expect(search.body.totalResults).toBe(0);
    const all = await scim.get('/Users?count=1000');
    expect((all.body.Resources as Body[]).map((r) => r.id)).not.toContain(goneId);

    // The group no longer lists them, nor answers to them; their membership is kept (hidden).
    const read = await scim.get(`/Groups/${groupId}`);
    expect((read.body.members as Body[]).map((m) => m.value)).toEqual([kept.id]);
    const byMember = await scim.get(
      `/Groups?filter=${encodeURIComponent(`members eq "${goneId}"`)}`,
    );
    expect(byMember.body.totalResults).toBe(0);
    expectScimError(
      await scim.patch(`/Groups/${groupId}`, [
        { op: 'add', path: 'members', value: [{ value: goneId }] },
      ]),
      400,
      'invalidValue',
    );
    const replaced = await scim.put(`/Groups/${groupId}`, {
      schemas: [GROUP_SCHEMA],
      displayName: read.body.displayName,
      members: [{ value: kept.id }],
    });
    expect(replaced.status, replaced.text).toBe(200);
    const { rows } = await context.services.pool.query(
      'select user_id from space_member where space_id = $1 order by user_id',
      [groupId],
    );
    expect(rows.map((r) => r.user_id).sort()).toEqual([kept.id, goneId].sort());
  });

  /*
   * RFC 7644 §3.6: "In addition, the service provider SHOULD NOT consider the deleted resource
   * in conflict calculation. For example, if a User resource is deleted, a CREATE request for a
   * User resource with the same userName as the previously deleted resource SHOULD NOT fail with
   * a 409 error due to userName conflict."
   * RFC 7643 §3.1 (id): "It MUST be a stable, non-reassignable identifier that does not change
   * when the same resource is returned in subsequent requests."
   */
  it('re-creates a deleted userName as a new resource: the same person, reconnected and reactivated', async () => {
    const first = await created({ userName: `Re.Hire.${Date.now()}@Corp.Example` });
    const oldId = first.id as string;
    expect((await scim.delete(`/Users/${oldId}`)).status).toBe(204);

    const again = await scim.post(
      '/Users',
      scimUser({ userName: first.userName, externalId: `${first.externalId}-2` }),
    );
    expect(again.status, again.text).toBe(201);
    const newId = again.body.id as string;
    expect(newId).not.toBe(oldId);
    expect(again.headers.get('location')).toBe(`${context.baseUrl}/scim/v2/Users/${newId}`);
    expect(again.body).toMatchObject({ userName: first.userName, active: true });

    // The old id stays gone; the new one answers.
    expectScimError(await scim.get(`/Users/${oldId}`), 404);
    expect((await scim.get(`/Users/${newId}`)).status).toBe(200);
    const found = await filtered(`userName eq "${String(first.userName).toLowerCase()}"`);
    expect((found.body.Resources as Body[]).map((r) => r.id)).toEqual([newId]);

    // One person in our directory: the same row, reconnected, and reactivated because SCIM
    // itself had deactivated them.
    const row = await person(oldId);
    expect(row).toMatchObject({ scim_id: newId, status: 'active', status_source: 'scim' });
    expect(row.scim_deleted_at).toBeNull();
    const { rows: history } = await context.services.pool.query(
      'select to_status, door from user_status_change where user_id = $1 order by id',
      [oldId],
    );
    expect(history).toEqual([
      { to_status: 'deactivated', door: 'scim' },
      { to_status: 'active', door: 'scim' },
    ]);
    const { rows: audit } = await context.services.pool.query(
      `select details, diff from audit_event where target_id = $1 and action = 'user.updated'
        order by seq desc limit 1`,
      [oldId],
    );
    expect(audit[0].details).toMatchObject({ scimReconnected: true });
    expect(audit[0].diff).toMatchObject({ before: { scimId: oldId }, after: { scimId: newId } });

    // The new resource is an ordinary one: it can be deleted and re-created in turn.
    expect((await scim.delete(`/Users/${newId}`)).status).toBe(204);
    const third = await scim.post('/Users', scimUser({ userName: first.userName }));
    expect(third.status, third.text).toBe(201);
    expect([oldId, newId]).not.toContain(third.body.id);
  });

  /*
   * RFC 7644 §3.6 (as above): a CREATE with the deleted userName "SHOULD NOT fail with a 409".
   * docs/lifecycle.md: a source lifts only a deactivation it made itself; a manual one sticks.
   */
  it('re-creates a person deactivated by hand as a new resource that stays inactive', async () => {
    const first = await created();
    const id = first.id as string;
    await deactivateByHand(id);
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect(await person(id)).toMatchObject({ status: 'deactivated', status_source: 'manual' });

    const again = await scim.post('/Users', scimUser({ userName: first.userName, active: true }));
    expect(again.status, again.text).toBe(201);
    expect(again.body.active).toBe(false);
    expect(await person(id)).toMatchObject({
      scim_id: again.body.id,
      status: 'deactivated',
      status_source: 'manual',
    });
  });

  /*
   * RFC 7644 §3.6: "the service provider SHOULD NOT consider the deleted resource in conflict
   * calculation."
   */
  it('lets a new person take the externalId of a deleted one', async () => {
    const first = await created();
    expect((await scim.delete(`/Users/${first.id}`)).status).toBe(204);
    const other = await scim.post('/Users', scimUser({ externalId: first.externalId }));
    expect(other.status, other.text).toBe(201);
    expect(other.body.externalId).toBe(first.externalId);
    expect(await person(first.id as string)).toMatchObject({
      scim_external_id: first.externalId,
    });
  });

  /*
   * RFC 7643 §4.1.1 (active): "A Boolean value indicating the User's administrative status. The
   * definitive meaning of this attribute is determined by the service provider." Unlike DELETE
   * (RFC 7644 §3.6), deactivating leaves the resource in place.
   */
  it('keeps a User deactivated with active false visible', async () => {
    const user = await created();
    const id = user.id as string;
    const off = await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect(off.status, off.text).toBe(200);
    const read = await scim.get(`/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.active).toBe(false);
    expect((await filtered(`id eq "${id}"`)).body.totalResults).toBe(1);
    expectScimError(await scim.post('/Users', scimUser({ userName: user.userName })), 409);
  });
});

describe('405 Method Not Allowed, checked before the body', () => {
  const discovery = [
    '/ServiceProviderConfig',
    '/ResourceTypes',
    '/ResourceTypes/User',
    '/Schemas',
    '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
  ];

  const send = (method: string, path: string, raw: string | undefined, type: string) =>
    scim.api.request<Body>(method, `/scim/v2${path}`, {
      ...(raw === undefined ? {} : { raw }),
      headers: { authorization: `Bearer ${CONFIG_TOKEN}`, 'content-type': type },
    });

  /*
   * RFC 7644 §4: "/ServiceProviderConfig  An HTTP GET to this endpoint will return a JSON
   * structure that describes the SCIM specification features available on a service provider."
   * "/Schemas  An HTTP GET to this endpoint is used to retrieve information about resource
   * schemas supported by a SCIM service provider." "/ResourceTypes  An HTTP GET to this endpoint
   * is used to discover the types of resources available on a SCIM service provider".
   * RFC 7231 §6.5.5: "The 405 (Method Not Allowed) status code indicates that the method received
   * in the request-line is known by the origin server but not supported by the target resource.
   * The origin server MUST generate an Allow header field in a 405 response containing a list of
   * the target resource's currently supported methods."
   * RFC 7644 §3.12: "In addition to returning an HTTP response code, implementers MUST return the
   * errors in the body of the response in a JSON format".
   */
  it('answers 405 with Allow: GET to writes on the discovery endpoints, whatever the body', async () => {
    for (const path of discovery)
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
        for (const [raw, type] of [
          [undefined, 'application/scim+json'],
          ['{"schemas": [', 'application/scim+json'],
          ['{"a": 1}', 'application/scim+json'],
          ['<xml/>', 'application/xml'],
        ] as const) {
          const res = await send(method, path, raw, type);
          expectScimError(res as never, 405);
          expect(res.headers.get('allow'), `${method} ${path}`).toBe('GET');
        }
    for (const path of discovery) expect((await scim.get(path)).status, path).toBe(200);
  });

  /*
   * RFC 7644 §3.2, Table 1: "POST  Depending on the endpoint, creates new resources, creates a
   * search request, or MAY be used to bulk-modify resources." "PUT  Modifies a resource by
   * replacing existing attributes with a specified set of replacement attributes (replace). PUT
   * MUST NOT be used to create new resources." "PATCH  Modifies a resource with a set of
   * client-specified changes (partial update)." "DELETE  Deletes a resource." Table 2:
   * "/Users  GET (Section 3.4.1), POST (Section 3.3), PUT (Section 3.5.1), PATCH (Section
   * 3.5.2), DELETE (Section 3.6)" — a resource is replaced, patched and deleted at its own URI,
   * and a search is a POST to ".search" (§3.4.3).
   * RFC 7231 §6.5.5 (as above): 405 with an Allow header.
   */
  it('answers 405 with the allowed methods on the other SCIM paths', async () => {
    const user = await created();
    const cases: [string, string, string][] = [
      ['PUT', '/Users', 'GET, POST'],
      ['PATCH', '/Users', 'GET, POST'],
      ['DELETE', '/Users', 'GET, POST'],
      ['PUT', '/Groups', 'GET, POST'],
      ['DELETE', '/Groups', 'GET, POST'],
      ['GET', '/Users/.search', 'POST'],
      ['PUT', '/Users/.search', 'POST'],
      ['DELETE', '/Groups/.search', 'POST'],
      ['POST', `/Users/${user.id}`, 'GET, PUT, PATCH, DELETE'],
      ['POST', '/Groups/00000000-0000-4000-8000-000000000000', 'GET, PUT, PATCH, DELETE'],
    ];
    for (const [method, path, allow] of cases)
      for (const [raw, type] of [
        ['not json', 'application/scim+json'],
        ['<xml/>', 'text/xml'],
      ] as const) {
        // fetch sends no body with GET.
        const res = await send(method, path, method === 'GET' ? undefined : raw, type);
        expectScimError(res as never, 405);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      }
    // Unknown paths stay 404, and known ones still check the body after the method.
    expectScimError((await send('POST', '/Nope', 'not json', 'text/xml')) as never, 404);
    expectScimError(
      (await send('POST', '/Users', 'not json', 'application/scim+json')) as never,
      400,
      'invalidSyntax',
    );
    expectScimError((await send('POST', '/Users', '<xml/>', 'text/xml')) as never, 415);
  });
});
