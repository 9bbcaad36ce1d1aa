import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../support/harness.ts';
import { expectScimError, ScimClient, scimUser, startScimContext } from './scimSupport.ts';

let context: TestContext;
let scim: ScimClient;
let userId: string;

beforeAll(async () => {
  context = await startScimContext();
  scim = new ScimClient(context.baseUrl);
  const created = await scim.post('/Users', scimUser());
  expect(created.status, created.text).toBe(201);
  userId = created.body.id as string;
});

afterAll(async () => {
  await context?.close();
});

describe('SCIM errors: bad input is a SCIM Error message, never a 500', () => {
  it('refuses broken filters with invalidFilter', async () => {
    for (const filter of [
      'userName eq',
      'userName eq "a" and',
      '(userName eq "a"',
      'userName eq "a")',
      'userName zz "a"',
      'userName eq unquoted',
      'userName eq "unterminated',
      'not userName eq "a"',
      '"just a string"',
      '',
    ].filter((f) => f !== '')) {
      const res = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expectScimError(res, 400, 'invalidFilter');
    }
  });

  it('refuses unknown filter attributes and nonsense comparisons', async () => {
    for (const filter of [
      'nickName eq "x"',
      'password eq "x"',
      'urn:example:ext:foo eq "x"',
      'active eq "maybe"',
      'active gt true',
      'meta.created gt "not a date"',
      'meta.created co "2020"',
      'meta.created gt "1"',
      'meta.created gt "2020-02-30"',
      'urn:frisbee:params:scim:schemas:extension:hr:2.0:User:hireDate lt "2020-13-01"',
    ]) {
      const res = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expectScimError(res, 400, 'invalidFilter');
    }
    expectScimError(await scim.get('/Groups?filter=title%20eq%20%22x%22'), 400, 'invalidFilter');
  });

  it('refuses bad list parameters', async () => {
    expectScimError(await scim.get('/Users?count=abc'), 400, 'invalidValue');
    expectScimError(await scim.get('/Users?startIndex=1.5'), 400, 'invalidValue');
    expectScimError(await scim.get('/Users?sortBy=password'), 400, 'invalidValue');
    expectScimError(await scim.get('/Users?sortOrder=sideways'), 400, 'invalidValue');
  });

  it('refuses wrong types and unknown attributes in bodies', async () => {
    expectScimError(await scim.post('/Users', scimUser({ active: 'maybe' })), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', scimUser({ name: 5 })), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', scimUser({ emails: 'x@y' })), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', scimUser({ userName: 42 })), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', scimUser({ userName: '' })), 400, 'invalidValue');
    expectScimError(
      await scim.post('/Users', scimUser({ userName: 'Bad Login!' })),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Users', scimUser({ favouriteColour: 'red' })),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Users', scimUser({ phoneNumbers: [{ value: 'call me', type: 'work' }] })),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post(
        '/Users',
        scimUser({
          'urn:frisbee:params:scim:schemas:extension:hr:2.0:User': { hireDate: '2026-02-30' },
        }),
      ),
      400,
      'invalidValue',
    );
    expectScimError(await scim.post('/Users', []), 400);
    expectScimError(await scim.post('/Groups', { displayName: 7 }), 400, 'invalidValue');
  });

  it('refuses broken PATCH messages', async () => {
    const path = `/Users/${userId}`;
    expectScimError(await scim.request('PATCH', path, { Operations: 'x' }), 400, 'invalidSyntax');
    expectScimError(
      await scim.patch(path, [{ op: 'explode', path: 'title' }]),
      400,
      'invalidSyntax',
    );
    expectScimError(await scim.patch(path, []), 400, 'invalidSyntax');
    expectScimError(await scim.patch(path, [{ op: 'remove' }]), 400, 'noTarget');
    expectScimError(
      await scim.patch(path, [{ op: 'replace', path: 'favouriteColour', value: 'x' }]),
      400,
      'invalidPath',
    );
    expectScimError(
      await scim.patch(path, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]),
      400,
      'invalidPath',
    );
    expectScimError(
      await scim.patch(path, [{ op: 'replace', path: 'urn:x:y:z', value: 'x' }]),
      400,
      'invalidPath',
    );
    expectScimError(
      await scim.patch(path, [{ op: 'replace', path: 'id', value: 'x' }]),
      400,
      'mutability',
    );
    expectScimError(
      await scim.patch(path, [{ op: 'replace', path: 'active', value: 'maybe' }]),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.patch(path, [{ op: 'replace', value: 'not an object' }]),
      400,
      'invalidValue',
    );
  });

  it('answers bad JSON, big bodies and wrong media types in SCIM form', async () => {
    const headers = { authorization: 'Bearer entra-config-token-0123456789abcdef' };
    const bad = await scim.api.request('POST', '/scim/v2/Users', {
      raw: '{"userName": ',
      headers: { ...headers, 'content-type': 'application/scim+json' },
    });
    expectScimError(bad as never, 400, 'invalidSyntax');
    const huge = await scim.api.request('POST', '/scim/v2/Users', {
      raw: JSON.stringify({ userName: 'x', filler: 'y'.repeat(3_000_000) }),
      headers: { ...headers, 'content-type': 'application/scim+json' },
    });
    expectScimError(huge as never, 413);
    const xml = await scim.api.request('POST', '/scim/v2/Users', {
      raw: '<user/>',
      headers: { ...headers, 'content-type': 'application/xml' },
    });
    expectScimError(xml as never, 415);
    const plain = await scim.api.request('POST', '/scim/v2/Users', {
      raw: JSON.stringify(scimUser()),
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(plain.status, plain.text).toBe(201);
  });

  it('answers unknown routes and methods in SCIM form', async () => {
    expectScimError(await scim.get('/Nope'), 404);
    expectScimError(await scim.get(''), 404);
    expectScimError(await scim.get('/Users/not-a-uuid'), 404);
    expectScimError(await scim.get('/Users/00000000-0000-4000-8000-000000000000'), 404);
    expectScimError(await scim.request('PATCH', '/Users', { x: 1 }), 405);
    expectScimError(await scim.delete('/ServiceProviderConfig'), 405);
  });

  it('answers 412 for a stale If-Match', async () => {
    const res = await scim.request('PUT', `/Users/${userId}`, scimUser(), {
      'if-match': 'W/"999"',
    });
    expectScimError(res, 412);
  });
});
