import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, RouteRegistry } from '../../server/routes/defineRoute.ts';
import type { AppRouter, AppState } from '../../server/routes/types.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
let server: Server;
let baseUrl = '';

/**
 * Two routes declaring the same answer, one keeping to it and one not, on the services the test
 * harness starts (with `http.checkResponses`, as every test runs the service).
 */
beforeAll(async () => {
  context = await startTestContext();
  const router: AppRouter = new Router();
  const scope = { router, prefix: '', services: context.services, registry: new RouteRegistry() };
  const person = z.object({ id: z.string(), at: z.iso.datetime() });
  const declared = { description: 'A person', schema: person };
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/kept',
      operationId: 'kept',
      summary: 'keeps to its schema',
      tags: [],
      auth: 'none',
      response: declared,
    },
    // A Date is an ISO string once sent: the answer is checked as the client reads it.
    async () => ({ id: 'a', at: new Date(0) }),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/broken',
      operationId: 'broken',
      summary: 'answers outside its schema',
      tags: [],
      auth: 'none',
      response: declared,
    },
    async () => ({ id: 7, at: 'yesterday' }),
  );
  const app = new Koa<AppState>();
  app.silent = true;
  app.use(router.routes());
  server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await context?.close();
});

describe('every answer holds to its declared schema in tests (http.checkResponses)', () => {
  it('passes an answer that keeps to it', async () => {
    const response = await fetch(`${baseUrl}/kept`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'a', at: new Date(0).toISOString() });
  });

  it('turns one that does not into a 500, so the test that met it fails', async () => {
    expect(context.services.config.http.checkResponses).toBe(true);
    const response = await fetch(`${baseUrl}/broken`);
    expect(response.status).toBe(500);
  });
});
