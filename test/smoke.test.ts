import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './support/api.ts';
import { startTestContext, type TestContext } from './support/harness.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

describe('service skeleton', () => {
  it('answers health and readiness', async () => {
    const api = new ApiClient(context.baseUrl);
    expect((await api.get('/healthz')).status).toBe(200);
    expect((await api.get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('serves an OpenAPI 3.1 document', async () => {
    const response = await new ApiClient(context.baseUrl).get<{ openapi: string }>(
      '/api/v1/openapi.json',
    );
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
  });

  it('answers unknown routes and malformed JSON with problem+json', async () => {
    const api = new ApiClient(context.baseUrl);
    const missing = await api.get<{ code: string }>('/api/v1/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.code).toBe('route_not_found');
    const malformed = await api.request<{ code: string }>('POST', '/api/v1/session', {
      raw: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
  });
});
