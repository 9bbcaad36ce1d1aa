import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { ssoConfigSchema } from '../../server/shared/config/sso.ts';
import { codeFor, secretOf } from '../identity/loginFlow.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type AccountClaims,
  startOidcProvider,
  type TestOidcProvider,
} from '../support/oidcProvider.ts';
import { BROWSER_TEST_MS, BROWSER_WAIT_MS } from '../support/timeouts.ts';
import { browserAvailable, ensureAdminUiBuilt, launchChromium, shot } from './browser.ts';

const RUN = browserAvailable();
const SSO_BUTTON = 'Войти через корпоративный SSO';

let context: TestContext;
let idp: TestOidcProvider;
let browser: Browser;

/**
 * A fresh Russian browser that trusts the test provider's throw-away CA the only way Chromium
 * offers for a profile (the service itself trusts it through `sso.oidc.caFile` only).
 */
async function russianPage(): Promise<Page> {
  const profile = await browser.newContext({
    locale: 'ru-RU',
    viewport: { width: 1366, height: 860 },
    ignoreHTTPSErrors: true,
  });
  profile.setDefaultTimeout(BROWSER_WAIT_MS);
  profile.setDefaultNavigationTimeout(BROWSER_WAIT_MS);
  return profile.newPage();
}

/** An active `oidc` person and their provider account (with the sign-in's acr/amr). */
async function ssoPerson(
  role: User['role'],
  authn: Pick<AccountClaims, 'amr'>,
): Promise<{ person: User; subject: string }> {
  const email = `ui-${randomBytes(4).toString('hex')}@corp.example`;
  const person = await createPerson(context.services, { role, email });
  await context.services.pool.query(`update app_user set login_method = 'oidc' where id = $1`, [
    person.id,
  ]);
  const subject = `sub-${randomBytes(6).toString('hex')}`;
  idp.accounts.set(subject, { email, email_verified: true, ...authn });
  return { person, subject };
}

/** Opens the login page, clicks the SSO button and lets the provider sign `subject` in. */
async function signInWithSso(page: Page, subject: string): Promise<void> {
  await page.goto(`${context.baseUrl}/admin/#/login`);
  const button = page.getByRole('button', { name: SSO_BUTTON });
  await button.waitFor();
  idp.expectSignIn(subject);
  await button.click();
}

describe.runIf(RUN)('corporate SSO on the console login page', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startTestContext();
    // The browser must come back to this very service: the public URL is where it listens.
    context.services.config.http.publicUrl = context.baseUrl;
    idp = await startOidcProvider({ redirectUri: `${context.baseUrl}/api/v1/auth/oidc/callback` });
    const { oidc } = ssoConfigSchema.parse({
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        caFile: idp.caFile,
        appRedirectUris: ['ru.corp.messenger:/sso'],
        backOffice: { requireAmr: ['mfa'] },
      },
    });
    if (!oidc) throw new Error('sso.oidc did not parse');
    oidc.clientSecret = idp.clientSecret;
    context.services.config.sso.oidc = oidc;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await context?.close();
    await idp?.close();
  });

  it('signs an operator in through the provider, with and without the provider’s MFA', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const withMfa = await ssoPerson('staff', { amr: ['pwd', 'otp', 'mfa'] });
    const page = await russianPage();
    await page.goto(`${context.baseUrl}/admin/#/login`);
    await page.getByRole('button', { name: SSO_BUTTON }).waitFor();
    await shot(page, 'sso-login-button-ru');
    await signInWithSso(page, withMfa.subject);
    await page.getByTestId('dashboard').waitFor();
    // The one-time code does not stay in the address (or in the history).
    expect(page.url()).not.toContain('code=');
    await page.context().close();

    // Without proven MFA the service's own TOTP step follows (the default policy).
    const withoutMfa = await ssoPerson('admin', { amr: ['pwd'] });
    const second = await russianPage();
    await signInWithSso(second, withoutMfa.subject);
    await second.locator('#code').waitFor();
    const uri = (await second.getByTestId('otpauth-uri').textContent()) ?? '';
    await shot(second, 'sso-login-totp-enroll-ru');
    await second.locator('#code').fill(await codeFor(context, secretOf(uri)));
    await second.locator('form button[type="submit"]').click();
    await second.getByTestId('dashboard').waitFor();
    await second.context().close();
  });

  it('explains a refusal on the login page (no back-office role)', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const plain = await ssoPerson(null, { amr: ['mfa'] });
    const page = await russianPage();
    await signInWithSso(page, plain.subject);
    await page.getByRole('alert').waitFor();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('вход в бэк-офис через корпоративный SSO не разрешён');
    await shot(page, 'sso-login-refused-ru');
    expect(page.url()).not.toContain('error=');
    await page.context().close();
  });

  it('does not offer the button when SSO is not configured', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const saved = context.services.config.sso.oidc;
    context.services.config.sso.oidc = null;
    try {
      const page = await russianPage();
      const asked = page.waitForResponse((response) =>
        response.url().endsWith('/api/v1/session/sso'),
      );
      await page.goto(`${context.baseUrl}/admin/#/login`);
      expect(await (await asked).json()).toEqual({ oidc: false });
      await page.locator('#username').waitFor();
      expect(await page.getByRole('button', { name: SSO_BUTTON }).count()).toBe(0);
      await page.context().close();
    } finally {
      context.services.config.sso.oidc = saved;
    }
  });
});
