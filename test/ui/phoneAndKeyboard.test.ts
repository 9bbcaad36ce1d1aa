import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS, BROWSER_WAIT_MS } from '../support/timeouts.ts';
import { expectNotice, openUser } from './actions.ts';
import { browserAvailable, newPage, SCREENSHOTS, shot, uiLogin } from './browser.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

const RUN = browserAvailable();
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1440, height: 900 };

let context: TestContext;
let browser: Browser;
/** One signed-in page for the file: a second sign-in in the same TOTP step would reuse a code. */
let page: Page;
let person: User;
let root = '';

/** How wide the page is, against the viewport (a phone must never scroll sideways). */
function pageWidth(p: Page): Promise<number> {
  return p.evaluate('document.scrollingElement.scrollWidth');
}

/** What sticks out past the viewport's right edge (named in a failure message). */
function overflowing(p: Page): Promise<string[]> {
  return p.evaluate(`[...document.querySelectorAll('body *')]
    .filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && b.right > ${PHONE.width} + 0.5; })
    .slice(0, 8)
    .map((e) => e.tagName + '.' + e.className + ' → ' + Math.round(e.getBoundingClientRect().right))`);
}

/**
 * A screenshot of the viewport with a dialog open: a full-page shot resizes the viewport while
 * it captures, which disturbs an open dialog.
 */
function dialogShot(p: Page, name: string): Promise<Buffer> {
  return p.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The `name` of the focused element. */
function focusedName(p: Page): Promise<string | null> {
  return p.evaluate(`document.activeElement?.getAttribute('name') ?? null`);
}

describe.runIf(RUN)('the console on a phone and from the keyboard (issue 16)', () => {
  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite());
    await backofficePerson(context, 'superadmin', { username: 'root16', familyName: 'Корнеева' });
    // Real data through the API: a company with departments, people with long names and
    // addresses (what overflows first on a phone), a deactivation for the charts and the log.
    const setup = await signedIn(context, 'superadmin');
    const org = async (name: string, parentId?: string) => {
      const made = await setup.api.post<{ id: string }>('/api/v1/organizations', {
        name,
        kind: 'department',
        parentId,
      });
      expect(made.status, made.text).toBe(201);
      return made.body.id;
    };
    root = await org('ООО «Ромашка-Северо-Западная Промышленная Группа»');
    const it = await org('Департамент информационных технологий', root);
    const support = await org('Служба технической поддержки пользователей', it);
    for (const [organizationId, n] of [
      [root, 1],
      [it, 2],
      [support, 3],
    ] as const)
      for (let i = 0; i < n; i++)
        await createPerson(context.services, {
          organizationId,
          familyName: `Константинопольская-Верхнеднепровская${i}`,
          givenName: 'Александра',
          middleName: 'Владиславовна',
          email: `aleksandra.konstantinopolskaya-verhnedneprovskaya.${organizationId.slice(0, 4)}${i}@romashka-severo-zapad.example`,
          phone: `+7916123456${i}`,
        });
    person = await createPerson(context.services, {
      familyName: 'Смирнова',
      givenName: 'Анна',
      organizationId: support,
      passwordHash: 'old-hash',
    });
    const leaver = await createPerson(context.services, { familyName: 'Уходящий' });
    const cut = await setup.api.post(`/api/v1/users/${leaver.id}/deactivate`, {
      reason: 'Увольнение по собственному желанию',
    });
    expect(cut.status, cut.text).toBe(200);

    page = await newPage(browser, 'ru');
    await page.setViewportSize(DESKTOP);
    await uiLogin(page, context, { username: 'root16', password: GOOD_PASSWORD });
  });
  afterAll(async () => {
    await page?.close();
    await closeBrowserSuite({ context, browser });
  });

  it('the dashboard draws its charts; the tree counts the people of sub-organizations', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await page.goto(`${context.baseUrl}/admin/#/`);
    const dashboard = page.getByTestId('dashboard');
    for (const title of [
      'Статусы сотрудников по дням',
      'Пришли и ушли по неделям',
      'Регистрация и второй фактор',
      'Синхронизации с каталогом по итогам',
      'Неудачные доставки в мессенджер',
    ])
      await dashboard.getByRole('region', { name: title }).waitFor();
    // Drawn, not only titled: the status chart has its lines, and empty charts say so in words.
    const statusChart = dashboard.getByRole('region', { name: 'Статусы сотрудников по дням' });
    await expect.poll(() => statusChart.locator('path.MuiLineChart-line').count()).toBe(4);
    await dashboard.getByText('За эти недели синхронизаций не было.').waitFor();
    await dashboard.getByText(/За последние 12 недель/).waitFor();
    await shot(page, 'issue16-dashboard-1440-ru');

    await page.goto(`${context.baseUrl}/admin/#/organizations`);
    const tree = page.getByTestId('org-tree');
    await tree.getByText('Сотрудников: 7 (напрямую: 1)').waitFor();
    await tree.getByText('Сотрудников: 6 (напрямую: 2)').waitFor();
    await shot(page, 'issue16-organizations-1440-ru');
  });

  it('the role dialog preselects nothing and needs a reason; the login dialog says what it clears', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await openUser(page, context, person.id);
    await page.getByRole('button', { name: 'Роль в бэк-офисе' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const submit = dialog.locator('button[type="submit"]');
    expect(await dialog.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel('Администратор', { exact: true }).check();
    expect(await submit.isDisabled()).toBe(true);
    await dialog.locator('textarea[name="reason"]').fill('Руководитель ИТ');
    expect(await submit.isDisabled()).toBe(false);
    await dialogShot(page, 'issue16-role-dialog-1440-ru');
    await dialog.getByRole('button', { name: 'Отмена' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Opened again after a cancel: still nothing chosen.
    await page.getByRole('button', { name: 'Роль в бэк-офисе' }).click();
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { checked: true }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Отмена' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Способ входа' }).click();
    await dialog.waitFor();
    // Nobody's directory maintains this person: `ldap` is offered disabled, with the reason.
    expect(await dialog.getByLabel('Каталог (LDAP)').isDisabled()).toBe(true);
    await dialog.getByText(/не ведётся ни в одном каталоге/).waitFor();
    await dialog.getByLabel('Корпоративный SSO').check();
    await dialog
      .getByTestId('login-method-warning')
      .getByText(/Сохранённый пароль будет удалён.*корпоративный SSO.*сеансы/)
      .waitFor();
    await dialogShot(page, 'issue16-login-method-dialog-1440-ru');
    await dialog.getByRole('button', { name: 'Отмена' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('`/` focuses the search box, from any screen, but not while typing', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await page.goto(`${context.baseUrl}/admin/#/`);
    await page.getByTestId('dashboard').waitFor();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    await expect.poll(() => page.url()).toMatch(/#\/users/);
    await expect.poll(() => focusedName(page)).toBe('q');
    // Typing a slash into the box stays text.
    await page.keyboard.type('Смирнова/');
    expect(await page.locator('input[name="q"]').inputValue()).toBe('Смирнова/');
    await page.locator('input[name="q"]').fill('Смирнова');
    // The box applies what it holds after a pause (debounce): wait until the list asks for
    // «Смирнова», not «Смирнова/». Otherwise the next test could reload the page before the
    // pause ends and inherit a search that finds nobody (CI, 2026-12-06).
    await expect
      .poll(() => decodeURIComponent(page.url()), { timeout: BROWSER_WAIT_MS })
      .toContain('"q":"Смирнова"');
    // The list names people as «Фамилия Имя Отчество».
    await page
      .getByText(/Смирнова Анна/)
      .first()
      .waitFor();
    // Tab order from the box reaches the list, and `/` brings focus back.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).not.toBe('q');
    await page.keyboard.press('/');
    await expect.poll(() => focusedName(page)).toBe('q');
  });

  it('at 360 px nothing scrolls sideways: lists are cards, the card’s actions are a menu', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await page.setViewportSize(PHONE);
    // The menu was left open on the wide screen; a phone opens the console with it closed (on a
    // phone it is a drawer over the page). react-admin keeps that choice in its local store.
    await page.evaluate(`localStorage.setItem('RaStore.sidebar.open', 'false')`);
    await page.reload();
    const screens: [string, string, () => Promise<unknown>][] = [
      [
        'dashboard',
        '#/',
        () =>
          page
            .getByTestId('dashboard')
            .getByText(/За последние/)
            .waitFor(),
      ],
      [
        // Everyone, whatever search an earlier test left in the console's store.
        'people',
        `#/users?filter=${encodeURIComponent('{}')}`,
        () => page.getByTestId('user-cards').first().waitFor(),
      ],
      [
        'person',
        `#/users/${person.id}/show`,
        () => page.getByText('Анна Смирнова').first().waitFor(),
      ],
      ['organizations', '#/organizations', () => page.getByTestId('org-tree').waitFor()],
      ['audit', '#/audit-events', () => page.getByTestId('audit-cards').first().waitFor()],
      ['spaces', '#/spaces', () => page.locator('main, #main-content').first().waitFor()],
    ];
    for (const [name, hash, ready] of screens) {
      await page.goto(`${context.baseUrl}/admin/${hash}`);
      await ready();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await shot(page, `issue16-${name}-360-ru`);
      const width = await pageWidth(page);
      expect(width, `${name}: ${(await overflowing(page)).join('; ')}`).toBeLessThanOrEqual(
        PHONE.width,
      );
    }

    await openUser(page, context, person.id);
    // The action buttons are not in a row that could overflow: one «Действия» menu holds them.
    expect(await page.getByRole('button', { name: 'Деактивировать' }).count()).toBe(0);
    const actions = page.getByTestId('card-actions-button');
    await actions.waitFor();
    expect(await actions.getAttribute('aria-label')).toBe('Действия с сотрудником Анна Смирнова');
    await actions.click();
    const menu = page.getByTestId('card-actions-menu');
    await menu.getByRole('button', { name: 'Способ входа' }).waitFor();
    await menu.getByRole('button', { name: 'Роль в бэк-офисе' }).waitFor();
    await dialogShot(page, 'issue16-person-actions-360-ru');
    await menu.getByRole('button', { name: 'Деактивировать' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('textarea[name="reason"]').fill('Перевод в другую компанию');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expectNotice(page, 'Деактивирован');
    // The card now has a status history table: it scrolls inside its section, not the page.
    await page.getByTestId('status-history').waitFor();
    await shot(page, 'issue16-person-deactivated-360-ru');
    expect(await pageWidth(page), (await overflowing(page)).join('; ')).toBeLessThanOrEqual(
      PHONE.width,
    );
    const { rows } = await context.services.pool.query<{ status: string }>(
      'select status from app_user where id = $1',
      [person.id],
    );
    expect(rows[0]?.status).toBe('deactivated');
  });
});
