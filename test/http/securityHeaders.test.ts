import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import Koa from 'koa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_UI_DIST } from '../../server/http/adminUi.ts';
import { problemMiddleware } from '../../server/http/problem.ts';
import { securityHeaders } from '../../server/http/securityHeaders.ts';
import type { BaseState } from '../../server/http/types.ts';
import { CONFIG_TOKEN, startScimContext } from '../hr/scimSupport.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  uiLogin,
} from '../ui/browser.ts';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const HSTS = 'max-age=31536000; includeSubDomains';

type Answer = Pick<ApiResponse, 'status' | 'headers'>;

/** The headers every answer carries; the CSP is the API's unless `csp` says otherwise. */
function expectSecured(response: Answer, csp: 'api' | 'console' = 'api'): void {
  const headers = response.headers;
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('x-request-id')).toBeTruthy();
  if (csp === 'api') expect(headers.get('content-security-policy')).toBe(API_CSP);
  else expectConsolePolicy(headers.get('content-security-policy'));
  const cache = headers.get('cache-control');
  if (response.status >= 400) expect(cache).toBe('no-store');
  else expect(cache).toBeTruthy();
  expect(headers.get('strict-transport-security')).toBeNull();
}

/** The console's policy: strict, no inline script, no eval, no inline style. */
function expectConsolePolicy(policy: string | null): void {
  const directives = new Map(
    (policy ?? '').split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );
  expect(directives.get('default-src')).toBe("'self'");
  expect(directives.get('script-src')).toBe("'self'");
  expect(directives.get('object-src')).toBe("'none'");
  expect(directives.get('base-uri')).toBe("'none'");
  expect(directives.get('form-action')).toBe("'self'");
  expect(directives.get('frame-ancestors')).toBe("'none'");
  // Empty <style> elements only (emotion fills them through CSSOM): the hash of ''.
  expect(directives.get('style-src')).toBe(
    "'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
  );
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain('unsafe-eval');
}

function expectProblem(response: ApiResponse, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expectSecured(response);
}

describe('security headers on every answer of the service', () => {
  let context: TestContext;
  let anonymous: ApiClient;
  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startScimContext();
    anonymous = new ApiClient(context.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await context?.close();
  });

  it('200: an API answer, the OpenAPI document keeping its own cache policy', async () => {
    const { api } = await signedIn(context, 'admin');
    const users = await api.get('/api/v1/users');
    expect(users.status).toBe(200);
    expectSecured(users);
    expect(users.headers.get('cache-control')).toBe('no-store');
    const openapi = await anonymous.get('/api/v1/openapi.json');
    expect(openapi.status).toBe(200);
    expectSecured(openapi);
    expect(openapi.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('/healthz and /readyz', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await anonymous.get(path);
      expect(response.status, path).toBe(200);
      expectSecured(response);
    }
  });

  it('400: malformed JSON', async () => {
    const response = await anonymous.request('POST', '/api/v1/session', {
      raw: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 400);
    expect(response.body).toMatchObject({ code: 'malformed_json' });
  });

  it('401: no session', async () => {
    expectProblem(await anonymous.get('/api/v1/users'), 401);
  });

  it('403: a role too low', async () => {
    const { api } = await signedIn(context, 'staff');
    expectProblem(await api.get('/api/v1/organizations'), 403);
  });

  it('404: no such route, no such file of the console', async () => {
    expectProblem(await anonymous.get('/api/v1/nope'), 404);
    expectProblem(await anonymous.get('/nope'), 404);
    expectProblem(await anonymous.get('/admin/assets/missing-AbCd1234.js'), 404);
  });

  it('405: a method the resource does not take (API and console)', async () => {
    expectProblem(await anonymous.request('DELETE', '/api/v1/openapi.json'), 405);
    expectProblem(await anonymous.request('POST', '/admin/'), 405);
  });

  it('413: a body over http.bodyLimitBytes', async () => {
    const response = await anonymous.request('POST', '/api/v1/session', {
      raw: JSON.stringify({ username: 'x', filler: 'y'.repeat(2_000_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 413);
  });

  it('415: a body that is not JSON', async () => {
    const response = await anonymous.request('POST', '/api/v1/session', {
      raw: 'username=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(response, 415);
  });

  it('the console: /admin/ and its index carry the console policy; no inline script or style', async () => {
    for (const path of ['/admin', '/admin/', '/admin/users/123']) {
      const response = await anonymous.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expectSecured(response, 'console');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      // The policy allows no inline script and no styled <style>: the build must emit none.
      expect(response.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
      expect(response.text).not.toMatch(/<style/i);
      expect(response.text).not.toMatch(/\sstyle=/i);
      expect(response.text).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('the console: a static file', async () => {
    const html = readFileSync(`${ADMIN_UI_DIST}/index.html`, 'utf8');
    const asset = html.match(/src="(\/admin\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeTruthy();
    const response = await anonymous.get(asset as string);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expectSecured(response, 'console');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('SCIM: an error and a success', async () => {
    const unauthorized = await anonymous.get('/scim/v2/Users');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('content-type')).toContain('application/scim+json');
    expectSecured(unauthorized);
    const scim = new ApiClient(context.baseUrl);
    const missing = await scim.request(
      'GET',
      '/scim/v2/Users/00000000-0000-4000-8000-000000000000',
      {
        headers: { authorization: `Bearer ${CONFIG_TOKEN}` },
      },
    );
    expect(missing.status).toBe(404);
    expectSecured(missing);
    const config = await scim.request('GET', '/scim/v2/ServiceProviderConfig', {
      headers: { authorization: `Bearer ${CONFIG_TOKEN}` },
    });
    expect(config.status).toBe(200);
    expectSecured(config);
  });

  it("requests Node's parser refuses: problem+json with the same headers, then the connection closes", async () => {
    const { port } = new URL(context.baseUrl);
    const cases: { request: string; status: number; code: string }[] = [
      // A control character in a header value, and a request line that is not HTTP.
      {
        request: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\u0001b\r\n\r\n',
        status: 400,
        code: 'malformed_request',
      },
      {
        request: 'GET /healthz\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
        status: 400,
        code: 'malformed_request',
      },
      { request: 'BREW\r\n\r\n', status: 400, code: 'malformed_request' },
      // Headers over Node's limit (16 KiB).
      {
        request: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        status: 431,
        code: 'headers_too_large',
      },
    ];
    for (const { request, status, code } of cases) {
      const raw = await rawExchange(Number(port), request);
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      expect(statusLine, JSON.stringify(request.slice(0, 40))).toMatch(
        new RegExp(`^HTTP/1\\.1 ${status} `),
      );
      const headers = new Headers(
        lines.map(
          (line) =>
            [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [
              string,
              string,
            ],
        ),
      );
      expect(headers.get('content-type')).toBe('application/problem+json');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toBe(API_CSP);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('connection')).toBe('close');
      expect(JSON.parse(body)).toMatchObject({ status, code });
    }
  });
});

/** Sends raw bytes over TCP and reads everything until the service closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('HSTS follows the public URL', () => {
  it('is sent on every answer when http.publicUrl is https', async () => {
    const context = await startTestContext({
      http: { port: 0, publicUrl: 'https://backoffice.corp.example' },
    });
    try {
      const api = new ApiClient(context.baseUrl);
      for (const path of ['/admin/', '/healthz', '/api/v1/users', '/api/v1/nope']) {
        const response = await api.get(path);
        expect(response.headers.get('strict-transport-security'), path).toBe(HSTS);
        expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      }
    } finally {
      await context.close();
    }
  });

  it('is not sent when http.publicUrl is http', async () => {
    const context = await startTestContext({
      http: { port: 0, publicUrl: 'http://backoffice.corp.example' },
    });
    try {
      const api = new ApiClient(context.baseUrl);
      for (const path of ['/admin/', '/healthz', '/api/v1/users']) {
        expect((await api.get(path)).headers.get('strict-transport-security'), path).toBeNull();
      }
    } finally {
      await context.close();
    }
  });
});

describe('security headers on a 500', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const app = new Koa<BaseState>();
    app.use(securityHeaders({ hsts: false }));
    app.use(problemMiddleware());
    app.use((ctx) => {
      // A handler that set a lax cache and policy of its own, then failed.
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      ctx.set('Content-Security-Policy', "default-src *; script-src 'unsafe-inline'");
      throw new Error('a bug');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers problem+json with the headers, never cached, with the API policy', async () => {
    const response = await new ApiClient(baseUrl).get('/anything');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toBe(API_CSP);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe.runIf(browserAvailable())('the console under its CSP in real Chromium', () => {
  let context: TestContext;
  let browser: Browser;
  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startTestContext({ jobs: { enabled: false } });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await context?.close();
  });

  it('renders the login page, signs in and lists people with no CSP violation', async () => {
    const page = await newPage(browser, 'en');
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content[ -]Security[ -]Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
    // Browser code as text: the tests' type check has no DOM library.
    await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) =>
      window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline')));`);

    const response = await page.goto(`${context.baseUrl}/admin/#/login`);
    expectConsolePolicy(response?.headers()['content-security-policy'] ?? null);
    await page.locator('#username').waitFor();
    // MUI's styles applied (emotion's rules reached the page through CSSOM).
    const rules = await page.evaluate<number>(
      '[...document.styleSheets].reduce((sum, sheet) => sum + sheet.cssRules.length, 0)',
    );
    expect(violations).toEqual([]);
    expect(rules).toBeGreaterThan(20);

    // Past the login page: the TOTP enrollment QR code (a data: URL), the dashboard, a list.
    const person = await backofficePerson(context, 'superadmin', { username: 'cspcheck' });
    await uiLogin(page, context, { username: 'cspcheck', password: GOOD_PASSWORD });
    await page.goto(`${context.baseUrl}/admin/#/users`);
    await page.getByText(person.familyName).first().waitFor();
    expect(violations).toEqual([]);
  });
});
