import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointDir, KEYRING_FILE, readKeyring } from '../../server/audit/checkpoints.ts';
import type { User } from '../../server/directory/entities.ts';
import { verifyReviewReport } from '../../server/identity/reviews/report.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { type ReviewCompany, reviewCompany } from '../reviews/reviewData.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { dataWords, describeFindings, languageFindings } from './language.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

/*
 * Issue 18, "Done when": an access review over 5,000 people and 2,000 spaces, in Chromium and in
 * Russian. A superadmin starts it in the console; the head of a branch works through their 60
 * items (one revoked and one confirmed by hand, the rest page by page with «Подтвердить
 * выбранные», each item still getting its own decision record and audit event); the superadmin
 * closes it and downloads the signed report, which verifies.
 */

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;
let head: User;
let company: ReviewCompany;

const one = async <T>(sql: string, params: unknown[] = []): Promise<T | undefined> =>
  (await context.services.pool.query(sql, params)).rows[0] as T | undefined;

/** Picks an option of a react-admin autocomplete by typing part of its text. */
async function choose(page: Page, label: string, typed: string, option: string | RegExp) {
  const input = page.getByLabel(label, { exact: false }).first();
  await input.click();
  await input.fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

describe.runIf(RUN)('an access review in a real browser, in Russian', () => {
  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite());
    await backofficePerson(context, 'superadmin', {
      username: 'orlova',
      familyName: 'Орлова',
      givenName: 'Мария',
    });
    head = await backofficePerson(context, 'staff', {
      username: 'glebov',
      familyName: 'Глебов',
      givenName: 'Сергей',
    });
    company = await reviewCompany(context, 'ui', 5_000, 2_000, head);
  });
  afterAll(() => closeBrowserSuite({ context, browser }));

  it('start, work through page by page with per-item records, revoke one membership, close, verify the report', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const data = await dataWords(context);
    const expectRussian = async (page: Page, screen: string) => {
      const found = await languageFindings(page, 'ru', data);
      expect(found, describeFindings(screen, found)).toEqual([]);
    };

    // The superadmin starts the campaign in the console.
    const admin = await newPage(browser, 'ru');
    await uiLogin(admin, context, { username: 'orlova', password: GOOD_PASSWORD });
    await admin.locator('[role^="menuitem"]', { hasText: 'Пересмотры доступа' }).click();
    await admin.goto(`${context.baseUrl}/admin/#/review-campaigns/create`);
    await admin
      .locator('input[name="name"]')
      .fill('Участники пространств холдинга, четвёртый квартал');
    await choose(admin, 'Организация', 'Холдинг ui', 'Холдинг ui');
    await choose(admin, 'Проверяющий', 'Орлова', /Орлова/);
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await admin.locator('input[name="dueAt"]').fill(due);
    await admin.getByRole('combobox', { name: /Когда отзывать/ }).click();
    await admin.getByRole('option', { name: 'Сразу' }).click();
    await expectRussian(admin, 'campaign form');
    await shot(admin, 'reviews-01-create-ru');
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await expect
      .poll(() => admin.getByTestId('review-progress').textContent())
      .toMatch(/Решено 0 из 6\s?000/);
    const campaign = await one<{ id: string; item_count: number }>(
      'select id, item_count from review_campaign',
    );
    expect(campaign?.item_count).toBe(6_000);
    expect(company.memberships).toBe(6_000);
    await expectRussian(admin, 'campaign page');
    await shot(admin, 'reviews-02-campaign-ru');

    // The head of the first branch works through their 60 items.
    const reviewer = await newPage(browser, 'ru');
    await uiLogin(reviewer, context, { username: 'glebov', password: GOOD_PASSWORD });
    await reviewer.locator('[role^="menuitem"]', { hasText: 'Мои проверки доступа' }).click();
    const rows = reviewer.locator('[data-testid="review-items"] tbody tr');
    await expect
      .poll(() => reviewer.locator('.MuiTablePagination-displayedRows').textContent())
      .toMatch(/1[–-]25 из 60/);
    await expectRussian(reviewer, 'my reviews');
    await shot(reviewer, 'reviews-03-my-items-ru');

    // One membership revoked by hand, with a reason.
    const firstRow = rows.first();
    const revokedPerson = ((await firstRow.locator('td').nth(1).textContent()) ?? '').trim();
    await firstRow.getByTestId(/^review-revoke-/).click();
    const dialog = reviewer.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Отозвать доступ');
    await dialog.locator('textarea[name="reason"]').fill('Перешёл в другой отдел');
    await dialog.getByRole('button', { name: 'Отозвать' }).click();
    await expect
      .poll(() => reviewer.locator('.MuiTablePagination-displayedRows').textContent())
      .toMatch(/из 59/);
    const revoked = await one<{ user_id: string; space_id: string; display_name: string }>(
      `select i.user_id, i.space_id, u.display_name from review_item i join app_user u on u.id = i.user_id
        where i.decision = 'revoke'`,
    );
    expect(revoked?.display_name).toBe(revokedPerson);
    expect(
      await one('select 1 from space_member where space_id = $1 and user_id = $2', [
        revoked?.space_id,
        revoked?.user_id,
      ]),
    ).toBeUndefined();

    // One confirmed by hand.
    await rows
      .first()
      .getByTestId(/^review-confirm-/)
      .click();
    await expect
      .poll(() => reviewer.locator('.MuiTablePagination-displayedRows').textContent())
      .toMatch(/из 58/);

    // The rest page by page: select the page, «Подтвердить выбранные».
    for (const left of [33, 8, 0]) {
      await reviewer.locator('[data-testid="review-items"] thead input[type="checkbox"]').check();
      const toolbar = reviewer.locator('[data-test="bulk-actions-toolbar"]');
      await toolbar.getByTestId('review-confirm-selected').click();
      if (left > 0)
        await expect
          .poll(() => reviewer.locator('.MuiTablePagination-displayedRows').textContent())
          .toMatch(new RegExp(`из ${left}$`));
      else await expect.poll(() => reviewer.getByText('Проверять нечего').count()).toBe(1);
    }
    await shot(reviewer, 'reviews-04-all-decided-ru');

    // Every item has its own decision record and its own audit event.
    const decided = await one<{ n: number; by_head: number }>(
      `select count(*)::int as n, count(*) filter (where decided_by_id = $2 and decided_at is not null)::int as by_head
         from review_item where campaign_id = $1 and decision is not null`,
      [campaign?.id, head.id],
    );
    expect(decided).toEqual({ n: 60, by_head: 60 });
    const events = await one<{ n: number; items: number }>(
      `select count(*)::int as n, count(distinct details->>'itemId')::int as items
         from audit_event where action = 'review.item_decided' and outcome = 'success'
          and details->>'campaignId' = $1`,
      [campaign?.id],
    );
    expect(events).toEqual({ n: 60, items: 60 });

    // The superadmin closes the campaign and downloads the signed report.
    await admin.reload();
    await expect
      .poll(() => admin.getByTestId('review-progress').textContent())
      .toMatch(/Решено 60 из 6\s?000/);
    await admin.getByTestId('review-close').click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Завершить кампанию' }).click();
    await expect.poll(() => admin.getByTestId('review-report-json').count()).toBe(1);
    await expect
      .poll(() => admin.getByTestId('review-counts').textContent())
      .toMatch(/не решено к завершению 5\s?940/);
    await expectRussian(admin, 'closed campaign');
    await shot(admin, 'reviews-05-closed-ru');
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByTestId('review-report-json').click(),
    ]);
    const path = await download.path();
    const keys = readKeyring(
      join(checkpointDir(context.services.config), KEYRING_FILE),
    ).entries.map((entry) => Buffer.from(entry.publicKey, 'base64'));
    const verified = verifyReviewReport(readFileSync(path, 'utf8'), keys);
    expect(verified).toMatchObject({ ok: true, campaign: { items: 6_000 } });
  });
});
