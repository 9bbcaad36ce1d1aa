import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { upload } from '../hr/importSupport.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createPerson, signIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice } from './actions.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

/*
 * Issue 16, scope 1, in Chromium: the server's refusals read in the console's language, at the
 * field they concern — a bad phone under the phone, a taken login under the login (not a
 * generic «already exists»), a wrong password on the sign-in page — and the server's English
 * detail never shows on the Russian side.
 */

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;
let admin: User;
/** The admin's tab, signed in once (a second sign-in within the same 30 s would replay the code). */
let adminTab: Page;

/** react-admin's input of a source (its wrapper carries `ra-input-<source>`). */
const inputOf = (page: Page, source: string) => page.locator(`.ra-input-${source} input`);
/** The helper text react-admin shows under an input (its validation error). */
const helperOf = (page: Page, source: string) =>
  page.locator(`.ra-input-${source} .MuiFormHelperText-root`);

async function fillPerson(page: Page, values: Record<string, string>) {
  for (const [source, value] of Object.entries(values)) await inputOf(page, source).fill(value);
}

describe.runIf(RUN)('errors in the console speak its language', () => {
  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite());
    admin = await backofficePerson(context, 'admin', {
      username: 'oshibki',
      familyName: 'Ошибкина',
      givenName: 'Вера',
    });
    await createPerson(context.services, { username: 'olga.kuz', familyName: 'Кузнецова' });
  });
  afterAll(() => closeBrowserSuite({ context, browser }));

  it(
    'shows a wrong password in Russian on the sign-in page',
    async () => {
      const page = await newPage(browser, 'ru');
      await page.goto(`${context.baseUrl}/admin/#/login`);
      await page.locator('#username').fill('oshibki');
      await page.locator('#password').fill('not the password at all');
      await page.locator('form button[type="submit"]').click();
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toBe('Неверный логин или пароль');
      await page.close();
    },
    BROWSER_TEST_MS,
  );

  it(
    'puts a bad phone and a taken login under their fields, in Russian and in English',
    async () => {
      const page = await newPage(browser, 'ru');
      await uiLogin(page, context, { username: admin.username as string, password: GOOD_PASSWORD });
      adminTab = page;
      await page.goto(`${context.baseUrl}/admin/#/users/create`);
      await fillPerson(page, {
        familyName: 'Кузнецова',
        givenName: 'Ольга',
        username: 'olga.kuz',
        phone: 'позвоните мне',
      });
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await expect
        .poll(() => helperOf(page, 'phone').textContent())
        .toBe('Неверный номер телефона');
      await expectNotice(page, 'Проверьте поля: Телефон');
      expect(await page.locator('body').textContent()).not.toContain('must be a valid phone');

      await inputOf(page, 'phone').fill('+7 916 123-45-67');
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await expect.poll(() => helperOf(page, 'username').textContent()).toBe('Уже занято');
      await expectNotice(page, 'Логин: такое значение уже используется');
      await shot(page, 'errors-taken-login-ru');

      // The same refusal in English, after switching the language.
      // The console remembers the language here (src/i18n/i18nProvider.ts).
      await page.evaluate("localStorage.setItem('frisbee.locale', 'en')");
      await page.reload();
      await fillPerson(page, { familyName: 'Kuznetsova', givenName: 'Olga', username: 'olga.kuz' });
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => helperOf(page, 'username').textContent()).toBe('Already taken');
      await expectNotice(page, 'Login: this value is already taken');
      // Back to Russian for the next test.
      await page.evaluate("localStorage.setItem('frisbee.locale', 'ru')");
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows the rejected rows of an import in Russian, by their codes',
    async () => {
      const api = await signIn(context, admin);
      const text = [
        'Табельный номер;ФИО;E-mail',
        ';Без Номера;',
        '6002;Лебедев Илья;not-an-email',
      ].join('\r\n');
      const preview = await upload<{ id: string }>(api, { file: new TextEncoder().encode(text) });
      expect(preview.status, preview.text).toBe(201);
      const page = adminTab;
      await page.goto(`${context.baseUrl}/admin/#/imports/${preview.body.id}/show`);
      await page.reload();
      const rows = page.getByTestId('row-errors');
      await expect.poll(() => rows.textContent()).toContain('Не указан табельный номер');
      const shown = (await rows.textContent()) ?? '';
      expect(shown).toContain('«not-an-email» — не адрес электронной почты');
      expect(shown).not.toMatch(/is missing|not an email/);
      await shot(page, 'errors-import-rows-ru');
    },
    BROWSER_TEST_MS,
  );
});
