import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { projectRoot } from '../../server/config.ts';
import { codeFor, secretOf } from '../identity/loginFlow.ts';
import { runCli } from '../support/cli.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_WAIT_MS } from '../support/timeouts.ts';

/** Debian's Chromium; browser tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots go (gitignored). */
export const SCREENSHOTS = join(projectRoot, 'test/.artifacts/screenshots');

/** Whether the browser tests can run here; in CI a missing Chromium is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install chromium`);
  console.warn(
    `\n!!! SKIPPING the admin UI browser tests: ${CHROMIUM} is missing.\n!!! Install it with: apt-get install -y --no-install-recommends chromium fonts-liberation\n`,
  );
  return false;
}

/** Builds admin-ui/dist unless it is current (the same check `npm start` makes). */
export function ensureAdminUiBuilt(): void {
  const run = spawnSync(process.execPath, ['admin-ui/scripts/ensure-build.mjs'], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`admin UI build failed:\n${run.stderr}`);
}

/** Launches headless Chromium with a fresh temporary profile (Playwright makes one per launch). */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh browser context (own cookies and storage) in a language. Every wait on its pages
 * (locators, responses, downloads, navigation) runs up to BROWSER_WAIT_MS, not Playwright's 30 s.
 */
export async function newPage(browser: Browser, locale: 'ru' | 'en'): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    locale: locale === 'ru' ? 'ru-RU' : 'en-US',
    viewport: { width: 1366, height: 860 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  context.setDefaultNavigationTimeout(BROWSER_WAIT_MS);
  return context.newPage();
}

/** Saves a full-page screenshot as test/.artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Signs in through the login page: password, then the TOTP code; at a first sign-in reads the
 * otpauth URI the page shows beside the QR code. Answers the factor's secret.
 */
export async function uiLogin(
  page: Page,
  context: TestContext,
  credentials: { username: string; password: string; secret?: string; shotName?: string },
): Promise<string> {
  await page.goto(`${context.baseUrl}/admin/#/login`);
  await page.locator('#username').fill(credentials.username);
  await page.locator('#password').fill(credentials.password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('#code').waitFor();
  const uri = page.getByTestId('otpauth-uri');
  let secret = credentials.secret;
  if (await uri.isVisible()) {
    secret = secretOf((await uri.textContent()) ?? '');
    await page.locator('img[src^="data:image"]').waitFor();
  }
  if (!secret) throw new Error('no TOTP secret for the second step');
  if (credentials.shotName) await shot(page, credentials.shotName);
  await page.locator('#code').fill(await codeFor(context, secret));
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('dashboard').waitFor();
  return secret;
}

/** Runs `create-superadmin` as an operator would; answers the printed otpauth URI. */
export async function createSuperadminByCli(
  context: TestContext,
  username: string,
  displayName: string,
  password: string,
): Promise<string> {
  const run = await runCli(
    context,
    ['create-superadmin', '--username', username, '--display-name', displayName],
    `${password}\n`,
  );
  const out = run.stdout + run.stderr;
  const uri = out.match(/otpauth:\/\/totp\/\S+/)?.[0];
  if (run.code !== 0 || !uri) throw new Error(`create-superadmin failed (${run.code}): ${out}`);
  return uri;
}
