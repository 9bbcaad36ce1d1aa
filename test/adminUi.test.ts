import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUi } from '../server/http/adminUi.ts';
import { problemMiddleware } from '../server/http/problem.ts';
import type { BaseState } from '../server/http/types.ts';
import { startTestContext, type TestContext } from './support/harness.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request with the path exactly as given. `fetch` would normalize `..` and `%2e%2e`
 * segments away before sending, which is precisely what a traversal attempt does not do.
 */
function rawGet(baseUrl: string, path: string, method = 'GET'): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const TRAVERSALS = [
  '/admin/../package.json',
  '/admin/%2e%2e/package.json',
  '/admin/%2E%2E/package.json',
  '/admin/..%2fpackage.json',
  '/admin/assets/../../package.json',
  '/admin/..%5cpackage.json',
  '/admin/%00index.html',
  '/admin/%E0%A4%A.js',
];

function expectRefused(response: RawResponse): void {
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(response.body)).toMatchObject({ code: 'invalid_path' });
  expect(response.body).not.toContain('frisbee-backoffice');
  expect(response.body).not.toContain('workspaces');
}

/** A bare Koa app with just the problem middleware and the admin UI, on a loopback port. */
async function serve(root: string): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = new Koa<BaseState>();
  app.use(problemMiddleware());
  app.use(adminUi({ root }));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('admin UI in the service', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await startTestContext();
  });
  afterAll(async () => {
    await context.close();
  });

  it('answers /admin and /admin/ with an HTML page', async () => {
    for (const path of ['/admin', '/admin/']) {
      const response = await rawGet(context.baseUrl, path);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
    }
  });

  it.each(TRAVERSALS)('refuses %s', async (path) => {
    expectRefused(await rawGet(context.baseUrl, path));
  });

  it('leaves the API alone', async () => {
    const response = await rawGet(context.baseUrl, '/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
  });
});

describe('admin UI before it is built', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(join(tmpdir(), 'frisbee-admin-ui-does-not-exist'));
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['/admin', '/admin/'])('serves the placeholder at %s', async (path) => {
    const response = await rawGet(server.baseUrl, path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('arrives with its own issue');
    expect(response.body).toContain('href="/api/v1/openapi.json"');
  });

  it('answers HEAD without a body', async () => {
    const response = await rawGet(server.baseUrl, '/admin', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
  });

  it('answers other paths under /admin with 404', async () => {
    expect((await rawGet(server.baseUrl, '/admin/assets/app.js')).status).toBe(404);
  });

  it.each(TRAVERSALS)('refuses %s', async (path) => {
    expectRefused(await rawGet(server.baseUrl, path));
  });

  it('refuses unsafe methods', async () => {
    expect((await rawGet(server.baseUrl, '/admin/', 'POST')).status).toBe(405);
  });

  it('ignores paths that only start like /admin', async () => {
    expect((await rawGet(server.baseUrl, '/administrator')).status).toBe(404);
  });
});

describe('admin UI once built', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof serve>>;
  const INDEX = '<!doctype html><title>UI</title><script src="/admin/assets/index-AbCd1234.js">';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frisbee-admin-ui-'));
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-AbCd1234.js'), 'console.log("ui");');
    writeFileSync(join(dist, 'assets', 'index-AbCd1234.css'), 'body{}');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    // A secret beside the build directory, which traversal must never reach.
    writeFileSync(join(dir, 'package.json'), '{"name":"frisbee-backoffice","workspaces":[]}');
    server = await serve(dist);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/admin', '/admin/', '/admin/users/123'])(
    'serves index.html at %s, not cached',
    async (path) => {
      const response = await rawGet(server.baseUrl, path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    },
  );

  it.each([
    ['/admin/assets/index-AbCd1234.js', 'javascript'],
    ['/admin/assets/index-AbCd1234.css', 'text/css'],
  ])('serves %s as %s with a long cache', async (path, type) => {
    const response = await rawGet(server.baseUrl, path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain(type);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves unhashed files with revalidation', async () => {
    const response = await rawGet(server.baseUrl, '/admin/favicon.svg');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('image/svg+xml');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file with 404, not index.html', async () => {
    const response = await rawGet(server.baseUrl, '/admin/assets/missing-AbCd1234.js');
    expect(response.status).toBe(404);
  });

  it('does not list directories', async () => {
    const response = await rawGet(server.baseUrl, '/admin/assets/');
    expect(response.body).toBe(INDEX);
  });

  it.each(TRAVERSALS)('refuses %s', async (path) => {
    expectRefused(await rawGet(server.baseUrl, path));
  });
});
