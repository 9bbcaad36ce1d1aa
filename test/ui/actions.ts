import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestContext } from '../support/harness.ts';

/** Opens the people list and searches; waits until every row shown contains `expected`. */
export async function searchPeople(page: Page, context: TestContext, q: string, expected: string) {
  await page.goto(`${context.baseUrl}/admin/#/users`);
  const box = page.locator('input[name="q"]');
  await box.waitFor();
  // The list may still show an earlier search whose rows also match `expected`: wait for the
  // answer to this query, so no debounced filter update is pending when the caller clicks a row.
  const answered = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/v1/users' && url.searchParams.get('q') === q;
  });
  await box.fill(q);
  await answered;
  const rows = page.locator('table tbody tr');
  await expect
    .poll(async () => {
      const texts = await rows.allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes(expected));
    })
    .toBe(true);
  return rows.count();
}

/** Opens a person's card from a list row. */
export async function openRow(page: Page, text: string) {
  await page.locator('table tbody tr', { hasText: text }).first().click();
  await page.locator('section').first().waitFor();
}

/** Opens a person's card by id. */
export async function openUser(page: Page, context: TestContext, id: string) {
  await page.goto(`${context.baseUrl}/admin/#/users/${id}/show`);
  await page.locator('section').first().waitFor();
}

/**
 * Clicks an action button of the card, fills the reason (if any) in the dialog, optionally
 * picks a radio choice, and confirms; waits for the dialog to close.
 */
export async function runAction(
  page: Page,
  button: string | RegExp,
  options: { reason?: string; choice?: string; confirm?: string | RegExp } = {},
) {
  await page.getByRole('button', { name: button }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (options.choice) await dialog.getByLabel(options.choice, { exact: true }).check();
  if (options.reason !== undefined)
    await dialog.locator('textarea[name="reason"]').fill(options.reason);
  await dialog.locator('button[type="submit"]').click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Whether a button with this name is on the page (after the page settled). */
export async function hasButton(page: Page, name: string | RegExp): Promise<boolean> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  return (await page.getByRole('button', { name }).count()) > 0;
}

/** Asserts the notification area says `text`. */
export async function expectNotice(page: Page, text: string | RegExp) {
  await expect
    .poll(async () => (await page.locator('.MuiSnackbar-root').allTextContents()).join(' '))
    .toMatch(text);
}
