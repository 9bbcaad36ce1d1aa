import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './support/api.ts';
import { API_TYPES_FILE, generateApiTypes } from './support/apiTypes.ts';
import { startTestContext, type TestContext } from './support/harness.ts';
import { TEST_MS } from './support/timeouts.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

describe('the console’s API types', () => {
  it('are what the service’s OpenAPI document declares (WRITE_API_TYPES=1 rewrites them)', {
    timeout: TEST_MS,
  }, async () => {
    const document = await new ApiClient(context.baseUrl).get<
      Parameters<typeof generateApiTypes>[0]
    >('/api/v1/openapi.json');
    expect(document.status).toBe(200);
    const generated = await generateApiTypes(document.body);
    if (process.env.WRITE_API_TYPES === '1') writeFileSync(API_TYPES_FILE, generated);
    expect(
      readFileSync(API_TYPES_FILE, 'utf8') === generated,
      `${API_TYPES_FILE} differs from the service's OpenAPI document: run WRITE_API_TYPES=1 npx vitest run test/apiTypes.test.ts`,
    ).toBe(true);
  });
});
