import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { drainBulkJobs } from '../../server/identity/bulkJobs/runner.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS, BULK_JOB_MS } from '../support/timeouts.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

/*
 * Issue 16, scope 4, in Chromium: an admin filters the people list, selects every person the
 * filter matches (not only the page), deactivates them as one background job with a reason,
 * watches the progress to its end, downloads the per-person report, and exports the list.
 */

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;
let admin: User;
let organizationId: string;

/** Reads a download the page triggers by clicking `testId`: its bytes. */
async function download(page: Page, testId: string): Promise<Buffer> {
  const started = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const file = await started;
  const path = await file.path();
  return readFileSync(path);
}

describe.runIf(RUN)('bulk work on the whole selection, in a real browser', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startTestContext();
    browser = await launchChromium();
    admin = await backofficePerson(context, 'admin', {
      username: 'kadrova',
      familyName: 'Кадрова',
      givenName: 'Елена',
    });
    organizationId = randomUUID();
    await context.services.pool.query(
      `insert into organization (id, name, kind) values ($1, 'Филиал «Восточный»', 'department')`,
      [organizationId],
    );
    await context.services.pool.query(
      `insert into app_user (id, username, family_name, given_name, display_name, email,
                             organization_id, status, source)
       select gen_random_uuid(), 'vostok' || i, 'Восточнов' || i, 'Илья', 'Илья Восточнов' || i,
              'vostok' || i || '@corp.example.test', $1, 'active', 'manual'
         from generate_series(1, 120) as i`,
      [organizationId],
    );
  });
  afterAll(async () => {
    await browser?.close();
    if (context) await drainBulkJobs(context.services);
    await context?.close();
  });

  it('select all matching → deactivate as a job → progress → report → export', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: admin.username as string, password: GOOD_PASSWORD });
    const filter = encodeURIComponent(JSON.stringify({ organizationId }));
    await page.goto(`${context.baseUrl}/admin/#/users?filter=${filter}`);
    await expect
      .poll(() => page.locator('.MuiTablePagination-displayedRows').textContent())
      .toMatch(/из 120/);

    // Every row of the page, then everyone the filter matches.
    await page.locator('thead input[type="checkbox"]').check();
    // The selection banner lives in react-admin's bulk actions toolbar.
    const toolbar = page.locator('[data-test="bulk-actions-toolbar"]');
    const banner = toolbar.getByTestId('select-all-banner');
    await expect
      .poll(() => banner.textContent())
      .toContain('Выбраны все 25 сотрудников на этой странице');
    await toolbar.getByTestId('select-all-matching').click();
    // The toolbar then counts everyone, not the page's 25; the banner says who they are.
    await expect.poll(() => toolbar.textContent()).toContain('Выбрано 120 человек');
    expect(await banner.textContent()).toContain('все, кто подходит под фильтр');
    await shot(page, 'bulk-01-all-matching-ru');

    await toolbar.getByTestId('bulk-job-menu').click();
    await page.getByTestId('bulk-job-verb-deactivate').click();
    const dialog = page.getByTestId('bulk-job');
    await expect.poll(() => dialog.textContent()).toContain('(120)');
    // A reason is required: the field says so.
    await page.getByTestId('bulk-job-start').click();
    await expect.poll(() => dialog.textContent()).toContain('Укажите причину');
    await page.getByTestId('bulk-job-reason').fill('Закрытие филиала');
    await page.getByTestId('bulk-job-start').click();

    const progress = page.getByRole('progressbar', { name: 'Ход массового действия' });
    await progress.waitFor();
    await expect
      .poll(() => page.getByTestId('bulk-job-status').textContent(), { timeout: BULK_JOB_MS })
      .toBe('Завершено');
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('bulk-job-counts').textContent()).toBe(
      'Обработано 120 из 120 · выполнено 120 · пропущено 0 · с ошибкой 0',
    );
    await shot(page, 'bulk-02-job-done-ru');

    const report = await download(page, 'bulk-job-report');
    expect([...report.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = report.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('№,ID,Сотрудник,Результат,Код,Причина');
    expect(lines).toHaveLength(121);
    expect(lines.slice(1).every((line) => line.includes(',выполнено,'))).toBe(true);

    const { rows } = await context.services.pool.query<{ n: string }>(
      `select count(*) as n from app_user where organization_id = $1 and status = 'deactivated'`,
      [organizationId],
    );
    expect(Number(rows[0]?.n)).toBe(120);

    // Closing refreshes the list (now every row says so) and clears the selection.
    await page.getByRole('button', { name: 'Закрыть' }).click();
    await expect.poll(() => banner.count()).toBe(0);
    await expect
      .poll(() => page.locator('table tbody tr').first().textContent())
      .toContain('Деактивирован');

    // The export of the same filtered list, as an admin may.
    const csv = await download(page, 'people-export-csv');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const exported = csv.subarray(3).toString('utf8').trim().split('\n');
    expect(exported[0]?.startsWith('ID,Фамилия,Имя,Отчество')).toBe(true);
    expect(exported).toHaveLength(121);
    expect(exported.slice(1).every((line) => line.includes('Деактивирован'))).toBe(true);
  });

  it('a broad search pages on without a last page, and "everyone matching" is counted exactly', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await context.services.pool.query(
      `insert into app_user (id, family_name, given_name, display_name, status, source)
       select gen_random_uuid(), 'Широкопольский' || i, 'Олег', 'Олег Широкопольский' || i,
              'active', 'manual'
         from generate_series(1, 1050) as i`,
    );
    // A person of their own: each sign-in of the first test's admin needs that test's factor.
    const searcher = await backofficePerson(context, 'admin', {
      username: 'poiskova',
      familyName: 'Поискова',
      givenName: 'Вера',
    });
    const page = await newPage(browser, 'ru');
    await uiLogin(page, context, {
      username: searcher.username as string,
      password: GOOD_PASSWORD,
    });
    const filter = encodeURIComponent(JSON.stringify({ q: 'широкопольск' }));
    await page.goto(`${context.baseUrl}/admin/#/users?filter=${filter}`);
    // The server stopped reading matches (SEARCH_COUNT_CAP): no last page, «из более чем».
    await expect
      .poll(() => page.locator('.MuiTablePagination-displayedRows').textContent())
      .toMatch(/из более чем 25/);
    // …and the list says it shows only part of the matches.
    await expect
      .poll(() => page.getByTestId('broad-search-notice').textContent())
      .toContain('показана только часть');
    await page.locator('thead input[type="checkbox"]').check();
    const toolbar = page.locator('[data-test="bulk-actions-toolbar"]');
    const spaced = async () => (await toolbar.textContent())?.replace(/\s/g, ' ') ?? '';
    // A bulk job must say how many people it acts on: the exact count, asked for once.
    await expect.poll(spaced).toContain('Выбрать всех подходящих под фильтр: 1 050');
    await toolbar.getByTestId('select-all-matching').click();
    await expect.poll(spaced).toContain('Выбрано 1 050 человек');
    await toolbar.getByTestId('bulk-job-menu').click();
    await page.getByTestId('bulk-job-verb-deactivate').click();
    const dialog = page.getByTestId('bulk-job');
    await expect
      .poll(async () => (await dialog.textContent())?.replace(/\s/g, ' '))
      .toContain('(1 050)');
  });
});
