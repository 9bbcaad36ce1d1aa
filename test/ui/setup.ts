import type { Browser } from 'playwright-core';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { ensureAdminUiBuilt, launchChromium } from './browser.ts';

/** A browser test's real parts: the service on a real PostgreSQL, and Chromium. */
export interface BrowserSuite {
  context: TestContext;
  browser: Browser;
}

/**
 * The opening every browser test shares, for its `beforeAll`: builds the console if its build
 * is stale, starts the service (with `overrides` of its configuration) and launches Chromium.
 */
export async function startBrowserSuite(
  overrides?: Record<string, unknown>,
): Promise<BrowserSuite> {
  ensureAdminUiBuilt();
  const context = await startTestContext(overrides);
  try {
    return { context, browser: await launchChromium() };
  } catch (error) {
    // No suite to close later: do not leave the service running.
    await context.close();
    throw error;
  }
}

/**
 * The closing every browser test shares, for its `afterAll` (after its own tidy-up): closes
 * Chromium, then the service. Either may be missing when the opening failed half-way.
 */
export async function closeBrowserSuite(suite: Partial<BrowserSuite>): Promise<void> {
  await suite.browser?.close();
  await suite.context?.close();
}
