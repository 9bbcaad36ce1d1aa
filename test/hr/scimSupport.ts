import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/** The token of the SCIM client configured for tests (SCIM_TOKENS holds its hash). */
export const CONFIG_TOKEN = 'entra-config-token-0123456789abcdef';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const HR = 'urn:frisbee:params:scim:schemas:extension:hr:2.0:User';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A test context with one configured SCIM token. */
export function startScimContext(overrides: Record<string, unknown> = {}): Promise<TestContext> {
  const sha256 = createHash('sha256').update(CONFIG_TOKEN).digest('hex');
  return startTestContext({
    jobs: { enabled: false },
    hr: { scim: { tokens: [{ name: 'entra', sha256 }] } },
    ...overrides,
  });
}

type Body = Record<string, unknown>;

/** A SCIM client over real HTTP: bearer token, application/scim+json, paths under /scim/v2. */
export class ScimClient {
  readonly api: ApiClient;
  constructor(
    baseUrl: string,
    readonly token: string | null = CONFIG_TOKEN,
  ) {
    this.api = new ApiClient(baseUrl);
  }
  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      'content-type': 'application/scim+json',
      ...extra,
    };
  }
  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.api.request<Body>(method, `/scim/v2${path}`, {
      ...(body === undefined ? {} : { raw: JSON.stringify(body) }),
      headers: this.headers(headers),
    });
  }
  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown) {
    return this.request('POST', path, body);
  }
  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }
  patch(path: string, operations: unknown[]) {
    return this.request('PATCH', path, { schemas: [PATCH], Operations: operations });
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }
}

/** Asserts a SCIM Error answer. */
export function expectScimError(res: ApiResponse<Body>, status: number, scimType?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/scim+json');
  expect(res.body.schemas).toEqual([ERROR]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
}

let counter = 0;
/** A SCIM User body with unique names. */
export function scimUser(overrides: Body = {}): Body {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter}`;
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName: `scim.${suffix}`,
    externalId: `ext-${suffix}`,
    name: { familyName: 'Петров', givenName: 'Пётр', middleName: 'Петрович' },
    displayName: 'Пётр Петров',
    emails: [{ value: `scim.${suffix}@corp.example`, type: 'work', primary: true }],
    phoneNumbers: [{ value: '+7 912 345-67-89', type: 'mobile' }],
    title: 'Инженер',
    active: true,
    [ENTERPRISE]: { employeeNumber: `E${suffix}`, department: 'Отдел SCIM' },
    ...overrides,
  };
}
