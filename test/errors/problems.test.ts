import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_CODES, PROBLEM_CODES } from '../../server/shared/errorCodes.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface FieldError {
  pointer: string;
  path: string;
  code: string;
  params: Record<string, unknown>;
  detail: string;
  message: string;
}
interface Problem {
  type: string;
  status: number;
  code: string;
  detail: string;
  params: Record<string, unknown>;
  errors?: FieldError[];
}

let context: TestContext;
let admin: ApiClient;
let anonymous: ApiClient;

beforeAll(async () => {
  context = await startTestContext({ http: { port: 0, publicUrl: 'https://admin.corp.example' } });
  admin = (await signedIn(context, 'admin')).api;
  anonymous = new ApiClient(context.baseUrl);
});
afterAll(async () => {
  await context.close();
});

/**
 * Asserts the answer is problem+json with a registered code, params named as the registry names
 * them, and field errors each with a JSON pointer, a registered field code and params.
 */
function expectProblem(response: ApiResponse<unknown>, status: number, code: string): Problem {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const problem = response.body as Problem;
  expect(Object.keys(PROBLEM_CODES)).toContain(problem.code);
  expect(problem.code).toBe(code);
  expect(problem.type).toBe(`urn:frisbee:problem:${code}`);
  expect(problem.params).toBeTypeOf('object');
  const named = PROBLEM_CODES[problem.code as keyof typeof PROBLEM_CODES] as readonly string[];
  for (const name of Object.keys(problem.params)) expect(named).toContain(name);
  for (const error of problem.errors ?? []) {
    expect(error.pointer).toMatch(/^#(\/|$)/);
    expect(Object.keys(FIELD_CODES)).toContain(error.code);
    expect(error.params).toBeTypeOf('object');
    expect(error.detail).toBeTypeOf('string');
    expect(error.path).toBeTypeOf('string');
  }
  return problem;
}

const person = (extra: Record<string, unknown>) => ({
  familyName: 'Кузнецова',
  givenName: 'Ольга',
  ...extra,
});

describe('a duplicate says which field is taken', () => {
  it('points at the login when the login is taken, and at the e-mail when the e-mail is', async () => {
    const first = await admin.post('/api/v1/users', {
      ...person({ username: 'olga.kuz', email: 'olga@corp.example' }),
    });
    expect(first.status, first.text).toBe(201);

    const sameLogin = await admin.post('/api/v1/users', {
      ...person({ username: 'olga.kuz', email: 'other@corp.example' }),
    });
    const login = expectProblem(sameLogin, 409, 'already_exists');
    expect(login.params).toEqual({ field: 'username' });
    expect(login.errors).toEqual([
      expect.objectContaining({
        pointer: '#/username',
        code: 'already_exists',
        params: { field: 'username' },
      }),
    ]);

    const sameEmail = await admin.post('/api/v1/users', {
      // The same address in other case: e-mails are unique case-insensitively.
      ...person({ username: 'olga.k2', email: 'Olga@Corp.Example' }),
    });
    const email = expectProblem(sameEmail, 409, 'already_exists');
    expect(email.params).toEqual({ field: 'email' });
    expect(email.errors?.map((e) => e.pointer)).toEqual(['#/email']);
  });

  it('points at the taken login on an edit too', async () => {
    await createPerson(context.services, { username: 'taken.login' });
    const other = await createPerson(context.services, { username: 'free.login' });
    const answer = await admin.patch(`/api/v1/users/${other.id}`, {
      username: 'taken.login',
      version: other.version,
    });
    const problem = expectProblem(answer, 409, 'already_exists');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['#/username']);
  });
});

describe('validation errors point at their fields with codes', () => {
  it('answers a bad phone with invalid_phone at /phone', async () => {
    const answer = await admin.post('/api/v1/users', person({ phone: 'call me maybe' }));
    const problem = expectProblem(answer, 400, 'validation_failed');
    expect(problem.params).toEqual({ fields: ['phone'] });
    expect(problem.errors).toEqual([
      {
        pointer: '#/phone',
        path: 'phone',
        code: 'invalid_phone',
        params: {},
        detail: 'must be a valid phone number',
        message: 'must be a valid phone number',
      },
    ]);
  });

  it('maps zod issues to codes by kind, with params', async () => {
    const answer = await admin.post('/api/v1/users', {
      familyName: '',
      givenName: 'О'.repeat(201),
      email: 'not an address',
      status: 'retired',
    });
    const problem = expectProblem(answer, 400, 'validation_failed');
    const byPointer = Object.fromEntries(
      (problem.errors ?? []).map((e) => [e.pointer, { code: e.code, params: e.params }]),
    );
    expect(byPointer).toEqual({
      '#/familyName': { code: 'required', params: {} },
      '#/givenName': { code: 'too_long', params: { maximum: 200 } },
      '#/email': { code: 'invalid_email', params: { format: 'email' } },
      '#/status': { code: 'invalid_value', params: { values: ['pending', 'active'] } },
    });
  });

  it('names an unknown field by its pointer', async () => {
    const answer = await admin.post('/api/v1/users', person({ nickname: 'olya' }));
    const problem = expectProblem(answer, 400, 'unknown_field');
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: '#/nickname', code: 'unknown_field' }),
    ]);
  });
});

describe('the password rule travels as params', () => {
  it('refuses a short password with the rule and the field code', async () => {
    const newcomer = await createPerson(context.services, { role: 'staff', status: 'pending' });
    const issued = await admin.post<{ url: string }>(
      `/api/v1/users/${newcomer.id}/enrollment-link`,
    );
    expect(issued.status, issued.text).toBe(201);
    const token = new URL(issued.body.url.replace('#/', '')).searchParams.get('token');
    const answer = await anonymous.post('/api/v1/enrollment', { token, password: 'short' });
    const problem = expectProblem(answer, 422, 'password_rejected');
    expect(problem.params).toEqual({ minLength: 12, maxLength: 256 });
    expect(problem.errors).toEqual([
      expect.objectContaining({
        pointer: '#/password',
        code: 'password_too_short',
        params: { minimum: 12 },
      }),
    ]);
  });
});

describe('every problem answer has a registered code', () => {
  it.each([
    ['no session', () => anonymous.get('/api/v1/users'), 401, 'unauthenticated'],
    ['no route', () => admin.get('/api/v1/nowhere'), 404, 'route_not_found'],
    [
      'a missing person',
      () => admin.get('/api/v1/users/00000000-0000-4000-8000-000000000000'),
      404,
      'not_found',
    ],
    ['a bad id', () => admin.get('/api/v1/users/not-a-uuid'), 400, 'validation_failed'],
    [
      'malformed JSON',
      () =>
        admin.request('POST', '/api/v1/users', {
          raw: '{"familyName": ',
          headers: { 'content-type': 'application/json' },
        }),
      400,
      'malformed_json',
    ],
    [
      'no CSRF token',
      () =>
        admin.request('POST', '/api/v1/users', {
          body: person({}),
          headers: { 'x-csrf-token': 'x' },
        }),
      403,
      'csrf_failed',
    ],
    [
      'a wrong password',
      () => anonymous.post('/api/v1/session', { username: 'nobody', password: 'wrong password' }),
      401,
      'invalid_credentials',
    ],
    [
      'a reused or unknown enrollment link',
      () =>
        anonymous.post('/api/v1/enrollment', {
          token: 'no-such-token',
          password: 'long enough pass',
        }),
      400,
      'enrollment_link_invalid',
    ],
  ] as const)('%s', async (_name, send, status, code) => {
    expectProblem(await send(), status, code);
  });
});
