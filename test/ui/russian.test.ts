import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../server/audit/actions.ts';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createPerson, signIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { openUser, runAction } from './actions.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

const RUN = browserAvailable();

/** The company's zone: not the zone Chromium runs in here, so a time in it proves the setting. */
const COMPANY_ZONE = 'Asia/Yekaterinburg';

let context: TestContext;
let browser: Browser;
let page: Page;
let person: User;
let clerk: User;

/**
 * Everything a reader sees or hears on the page: its rendered text (innerText: what is laid
 * out, not the text of hidden nodes), and the placeholders, labels and titles of its controls.
 * Written as a string: it runs in the page, and the tests' TypeScript has no DOM types.
 */
const READ_PAGE = `(() => {
  const attributes = [...document.querySelectorAll('[placeholder], [aria-label], [title]')]
    .flatMap((el) => ['placeholder', 'aria-label', 'title'].map((name) => el.getAttribute(name)))
    .filter(Boolean);
  return [document.body.innerText, ...attributes].join('\\n');
})()`;

async function visibleText(target: Page): Promise<string> {
  return target.evaluate<string>(READ_PAGE);
}

/**
 * The audit list's first row whose action (the fourth column) reads `action`: an event about
 * another event names that event's action in its object column too.
 */
function actionCell(target: Page, action: string) {
  return target
    .getByTestId('audit-list')
    .locator('tbody tr td:nth-child(4)')
    .getByText(action, { exact: true })
    .first();
}

/** The cells of the audit diff's rows: field, before, after. */
async function diffRows(target: Page): Promise<string[][]> {
  const rows = target.getByTestId('diff').locator('tbody tr');
  const cells: string[][] = [];
  for (const row of await rows.all()) cells.push(await row.locator('th, td').allTextContents());
  return cells;
}

/** No dictionary key or raw code on the page; on a Russian page, no MUI English default either. */
async function expectNoRawText(target: Page, where: string, language: 'ru' | 'en' = 'ru') {
  await target.waitForLoadState('networkidle').catch(() => undefined);
  const text = await visibleText(target);
  expect(text.match(/\b(?:app|resources|ra)\.[\w-]+\.[\w.-]+/g), where).toBeNull();
  if (language === 'ru') expect(text.match(/\b\d+[–-]\d+ of \d+\b/g), where).toBeNull();
  // Every code the server can write as an action, shown as it is anywhere on the page.
  expect(
    AUDIT_ACTIONS.filter((action) => text.includes(action)),
    where,
  ).toEqual([]);
}

describe.runIf(RUN)(
  'the console in Russian, as a Russian product team writes it (issue 16)',
  () => {
    beforeAll(async () => {
      ({ context, browser } = await startBrowserSuite({ hr: { timeZone: COMPANY_ZONE } }));
      const root = await backofficePerson(context, 'superadmin', {
        username: 'root16',
        familyName: 'Корнеева',
        givenName: 'Вера',
      });
      person = await createPerson(context.services, {
        role: null,
        username: 'd.bondarenko',
        familyName: 'Бондаренко',
        givenName: 'Дмитрий',
        middleName: 'Игоревич',
      });
      clerk = await createPerson(context.services, {
        role: null,
        username: 'a.klerk',
        familyName: 'Клеркова',
        givenName: 'Анна',
      });
      const api = await signIn(context, root);
      const me = await api.get<{ timeZone: string }>('/api/v1/me');
      expect(me.body.timeZone).toBe(COMPANY_ZONE);
      const scheduled = await api.post('/api/v1/scheduled-changes', {
        userId: clerk.id,
        kind: 'deactivate',
        date: '2030-12-31',
        reason: 'Увольнение по собственному желанию',
      });
      expect(scheduled.status).toBe(201);
      page = await newPage(browser, 'ru');
      await uiLogin(page, context, { username: 'root16', password: GOOD_PASSWORD });
    });
    afterAll(async () => {
      await page?.close();
      await closeBrowserSuite({ context, browser });
    });

    it('names people «сотрудники», the staff role «Оператор», and has no raw keys in lists', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      await expectNoRawText(page, 'dashboard');
      const menu = page.locator('.RaSidebar-fixed, .MuiDrawer-root');
      await menu.getByText('Сотрудники', { exact: true }).first().waitFor();

      await page.goto(`${context.baseUrl}/admin/#/users`);
      await expect
        .poll(() => page.locator('input[name="q"]').getAttribute('placeholder'))
        .toBe('Поиск: ФИО, телефон, почта');
      await page.locator('table tbody tr', { hasText: 'Бондаренко' }).first().waitFor();
      await expectNoRawText(page, 'people list');

      await page.goto(`${context.baseUrl}/admin/#/backoffice-accounts`);
      await expect
        .poll(() => page.locator('input[name="q"]').getAttribute('placeholder'))
        .toBe('Поиск: ФИО, логин, почта');
      await page.locator('table tbody tr', { hasText: 'Корнеева' }).first().waitFor();
      const accounts = await visibleText(page);
      expect(accounts).toContain('Суперадминистратор');
      expect(accounts).not.toMatch(/\bRole\b/);
      await expectNoRawText(page, 'back-office accounts');

      await page.goto(`${context.baseUrl}/admin/#/users/create`);
      await page.getByText('Новый сотрудник').first().waitFor();
      expect(await visibleText(page)).not.toContain('Создать Сотрудник');
      await shot(page, 'ru16-01-create-person');
    });

    it('has no dictionary key or raw code on any list of the menu', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      // Each list by its title in the top bar: the page shown is the one asked for.
      const lists: [string, string][] = [
        ['organizations', 'Организации'],
        ['spaces', 'Пространства'],
        ['directory-sources', 'Источники каталога'],
        ['sync-runs', 'Запуски синхронизации'],
        ['imports', 'Импорт сотрудников'],
        ['imports/create', 'Импорт сотрудников из файла'],
        ['scim-tokens', 'Токены SCIM'],
        ['mail-messages', 'Почта'],
        ['audit-events', 'Журнал аудита'],
      ];
      for (const [list, title] of lists) {
        await page.goto(`${context.baseUrl}/admin/#/${list}`);
        await expect.poll(() => page.locator('#react-admin-title').textContent()).toBe(title);
        await expectNoRawText(page, list);
      }
    });

    it('shows audit actions, fields and their values as words', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      await openUser(page, context, person.id);
      await runAction(page, 'Роль в бэк-офисе', { choice: 'Оператор', reason: 'Назначение' });
      await runAction(page, 'Деактивировать', { reason: 'Уволен' });

      await page.goto(`${context.baseUrl}/admin/#/audit-events`);
      const rows = page.getByTestId('audit-list').locator('tbody tr');
      await rows.filter({ hasText: 'Деактивирован' }).first().waitFor();
      await rows.filter({ hasText: 'Роль изменена' }).first().waitFor();
      await expectNoRawText(page, 'audit log');
      await shot(page, 'ru16-02-audit-log');

      await actionCell(page, 'Роль изменена').click();
      await page.getByTestId('diff').waitFor();
      await expect
        .poll(() => diffRows(page))
        .toEqual([['Роль в бэк-офисе', 'Без роли в бэк-офисе', 'Оператор']]);
      expect(await visibleText(page)).toContain('Сотрудник');
      await expectNoRawText(page, 'audit event (role)');

      await page.goBack();
      await actionCell(page, 'Деактивирован').click();
      await expect.poll(() => diffRows(page)).toEqual([['Статус', 'Активен', 'Деактивирован']]);
      const details = (await page.getByTestId('details').textContent()) ?? '';
      expect(details).toContain('Консоль');
      expect(details).toContain('Сеансы мессенджера: 0');
      expect(details).not.toMatch(/door|console|deviceSessions/);
      await expectNoRawText(page, 'audit event (status)');
      await shot(page, 'ru16-03-audit-event');
    });

    it('shows scheduled changes in the company’s time zone', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      await page.goto(`${context.baseUrl}/admin/#/scheduled-changes`);
      // The person by name once the list shows names (issue 16, item 3), by login until then.
      const row = page.locator('table tbody tr', { hasText: /Клеркова|a\.klerk/ }).first();
      await row.waitFor();
      await shot(page, 'ru16-04-scheduled-changes');
      const text = (await row.locator('td').allTextContents()).join(' ');
      expect(text).toContain('31 декабря 2030 г.');
      // The end of that day in Yekaterinburg, with its offset; never UTC.
      expect(text).toMatch(/GMT\+5/);
      expect(text).not.toMatch(/UTC/);
      expect(text).toContain('Вручную');
      expect(text).not.toContain('manual');
      await expectNoRawText(page, 'scheduled changes');
    });

    it('reads the same screens in English after switching the language', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      await page.evaluate("localStorage.setItem('frisbee.locale', 'en')");
      await page.goto(`${context.baseUrl}/admin/#/users`);
      await page.reload();
      await expect
        .poll(() => page.locator('input[name="q"]').getAttribute('placeholder'))
        .toBe('Search: name, phone, email');
      await expectNoRawText(page, 'people list (en)', 'en');
      await page.goto(`${context.baseUrl}/admin/#/audit-events`);
      await actionCell(page, 'Deactivated').waitFor();
      // Events about viewed events name those events' actions as words, not codes.
      await expectNoRawText(page, 'audit log (en)', 'en');
      await actionCell(page, 'Deactivated').click();
      await expect.poll(() => diffRows(page)).toEqual([['Status', 'Active', 'Deactivated']]);
      await expectNoRawText(page, 'audit event (en)', 'en');
    });

    it('reads the audit log’s time filter in the company’s time zone', {
      timeout: BROWSER_TEST_MS,
    }, async () => {
      await page.evaluate("localStorage.setItem('frisbee.locale', 'ru')");
      await page.goto(`${context.baseUrl}/admin/#/audit-events`);
      await page.reload();
      await page.getByRole('button', { name: 'Добавить фильтр' }).click();
      await page.getByRole('menu').getByText('С', { exact: true }).click();
      const asked = page.waitForResponse((response) => {
        const url = new URL(response.url());
        return url.pathname === '/api/v1/audit-events' && url.searchParams.has('from');
      });
      await page.locator('input[name="from"]').fill('2030-01-01T00:00');
      // Midnight in Yekaterinburg (UTC+5) is 19:00 UTC the day before.
      expect(new URL((await asked).url()).searchParams.get('from')).toBe(
        '2029-12-31T19:00:00.000Z',
      );
      await expect
        .poll(() => page.locator('input[name="from"]').inputValue())
        .toBe('2030-01-01T00:00');
    });
  },
);
