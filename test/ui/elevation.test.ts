import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { signIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice, hasButton } from './actions.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

/**
 * Time-bound elevation in the console (issue 18), in Russian, in Chromium: an operator asks for
 * the admin role from the user menu, a superadmin approves it in «Запросы повышения прав» (and
 * has no approve button on their own request), and the operator then sees the banner of the
 * role in force with its end.
 */
describe.runIf(browserAvailable())('elevation in a real browser', () => {
  let context: TestContext;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite({ jobs: { enabled: false } }));
  });

  afterAll(async () => {
    for (const page of pages) await page.close();
    await closeBrowserSuite({ context, browser });
  });

  it('an operator asks, a second superadmin approves, the banner shows until when', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await backofficePerson(context, 'staff', { username: 'elevstaff', familyName: 'Операторов' });
    const root = await backofficePerson(context, 'superadmin', {
      username: 'elevroot',
      familyName: 'Главный',
    });
    // The superadmin's own request: nobody approves their own.
    const rootApi = await signIn(context, root);
    const own = await rootApi.post('/api/v1/elevation-requests', {
      role: 'auditor',
      durationMinutes: 30,
      reason: 'Проверка журнала',
    });
    expect(own.status).toBe(201);

    const staff = await newPage(browser, 'ru');
    pages.push(staff);
    await uiLogin(staff, context, { username: 'elevstaff', password: GOOD_PASSWORD });
    await staff.getByRole('button', { name: 'Профиль' }).click();
    await staff.getByTestId('request-elevation').click();
    await staff.getByText('Запрос повышения прав').first().waitFor();
    await staff.locator('textarea[name="reason"]').fill('Разбор обращения о потерянном телефоне');
    await staff.getByRole('button', { name: 'Сохранить' }).click();
    await expectNotice(staff, /Запрос отправлен/);
    const staffList = staff.getByTestId('elevation-requests');
    await staffList.getByText('Ждёт решения').waitFor();
    expect(await staffList.textContent()).not.toContain('Проверка журнала');
    expect(await hasButton(staff, 'Одобрить')).toBe(false);
    await shot(staff, 'elevation-01-requested-ru');

    const superadmin = await newPage(browser, 'ru');
    pages.push(superadmin);
    await uiLogin(superadmin, context, { username: 'elevroot', password: GOOD_PASSWORD });
    await superadmin.goto(`${context.baseUrl}/admin/#/elevation-requests`);
    const list = superadmin.getByTestId('elevation-requests');
    await list.getByText('Разбор обращения о потерянном телефоне').waitFor();
    const ownRow = list.locator('tr', { hasText: 'Проверка журнала' });
    const staffRow = list.locator('tr', { hasText: 'Разбор обращения' });
    expect(await ownRow.getByRole('button', { name: 'Одобрить' }).count()).toBe(0);
    await staffRow.getByRole('button', { name: 'Одобрить' }).click();
    const dialog = superadmin.getByRole('dialog');
    await dialog.getByText(/Одобрить запрос/).waitFor();
    await dialog.getByRole('button', { name: 'Одобрить' }).click();
    await expectNotice(superadmin, /Запрос одобрен/);
    await staffRow.getByText('Одобрен').waitFor();
    await shot(superadmin, 'elevation-02-approved-ru');

    await staff.reload();
    const banner = staff.getByTestId('elevation-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(
      /Вы работаете с повышенными правами: Администратор \(Вся компания\) до /,
    );
    await shot(staff, 'elevation-03-banner-ru');
  });
});
