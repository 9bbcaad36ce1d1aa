import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { dataWords, describeFindings, languageFindings } from './language.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

/*
 * Issue 18, access views, in Chromium and in Russian: the «Доступ» section of a person's card
 * (organization, spaces with why, console rights), why each member is in a space, and the
 * «Обзор доступа» page with its tabs, filters and export; readable on a 360 px phone.
 */

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;
let superadmin: User;
let person: User;
let spaceId: string;
let organizationId: string;

/** Whether the page is wider than the screen (a phone would scroll sideways). */
function overflows(page: Page): Promise<boolean> {
  // A string: the server's TypeScript has no DOM types.
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
}

describe.runIf(RUN)('access views in a real browser', () => {
  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite());
    superadmin = await backofficePerson(context, 'superadmin', {
      username: 'orlova',
      familyName: 'Орлова',
      givenName: 'Елена',
    });
    organizationId = randomUUID();
    await context.services.pool.query(
      `insert into organization (id, name, kind) values ($1, 'Уральский филиал', 'department')`,
      [organizationId],
    );
    await context.services.pool.query(
      `insert into directory_source (id, name, kind, config) values ('corp-ad', 'Корпоративный AD', 'active-directory', '{}')`,
    );
    person = await createPerson(context.services, {
      organizationId,
      familyName: 'Соколова',
      givenName: 'Мария',
      username: 'sokolova',
    });
    await context.services.pool.query(
      `update app_user set last_login_at = now() - interval '200 days',
              created_at = now() - interval '400 days' where id = $1`,
      [person.id],
    );
    spaceId = randomUUID();
    const other = randomUUID();
    await context.services.pool.query(
      `insert into space (id, name, organization_id) values ($1, 'Продажи Урала', $3), ($2, 'Все сотрудники', null)`,
      [spaceId, other, organizationId],
    );
    await context.services.pool.query(
      `insert into space_member (space_id, user_id, added_by_id, via, via_source_id)
       values ($1, $3, $4, 'manual', null), ($2, $3, null, 'directory_group', 'corp-ad')`,
      [spaceId, other, person.id, superadmin.id],
    );
    await context.services.pool.query(
      `insert into role_grant (user_id, role, scope, expires_at, reason, granted_by_id)
       values ($1, 'staff', array[$2::uuid], now() + interval '30 days', 'Замещение', $3)`,
      [person.id, organizationId, superadmin.id],
    );
    await context.services.pool.query(`update app_user set rank = 1 where id = $1`, [person.id]);
  });
  afterAll(() => closeBrowserSuite({ context, browser }));

  it('shows why a person has access, why members are in a space, and the company views', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const data = await dataWords(context);
    const page = await newPage(browser, 'ru');
    const expectRussian = async (screen: string) => {
      const found = await languageFindings(page, 'ru', data);
      expect(found, describeFindings(screen, found)).toEqual([]);
    };
    await uiLogin(page, context, { username: 'orlova', password: GOOD_PASSWORD });

    // The person's card: «Доступ».
    await page.goto(`${context.baseUrl}/admin/#/users/${person.id}/show`);
    const access = page.getByTestId('person-access');
    await access.waitFor();
    const text = (await access.textContent()) ?? '';
    expect(text).toContain('Уральский филиал');
    expect(text).toContain('2 пространства');
    expect(await access.getByTestId('via-directory_group').textContent()).toBe(
      'Группа каталога · corp-ad',
    );
    expect(await access.getByTestId('via-manual').first().textContent()).toBe('Вручную');
    const rights = (await page.getByTestId('person-rights').textContent()) ?? '';
    expect(rights).toContain('Оператор');
    expect(rights).toContain('(выдана)');
    expect(rights).toContain('Уральский филиал');
    await expectRussian('person access');
    await shot(page, 'access-01-person-ru');

    // The space: why each member is there.
    await page.goto(`${context.baseUrl}/admin/#/spaces/${spaceId}/show`);
    const members = page.getByTestId('members');
    await members.getByTestId('via-manual').waitFor();
    expect(await members.locator('thead').textContent()).toContain('Почему участник');
    expect(await page.getByTestId('members-export').getAttribute('href')).toBe(
      `/api/v1/spaces/${spaceId}/members/export?lang=ru`,
    );
    await expectRussian('space members');

    // «Обзор доступа» from the menu: the dormant tab lists Мария, with a filtered export.
    await page.locator('[role^="menuitem"]', { hasText: 'Обзор доступа' }).click();
    const dormant = page.getByTestId('access-dormant');
    await expect.poll(() => dormant.textContent()).toContain('Соколова Мария');
    expect(await dormant.textContent()).toContain('200');
    expect(await dormant.locator('thead').textContent()).toContain('Последний вход');
    for (const tab of [
      'Давно не входили',
      'Нет в источниках',
      'Без второго фактора',
      'Не заходят в консоль',
    ])
      expect(await page.getByRole('tab', { name: tab }).isVisible()).toBe(true);
    await expectRussian('access overview');
    await shot(page, 'access-02-overview-ru');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-dormant').click(),
    ]);
    const file = await readFile((await download.path()) ?? '', 'utf8');
    expect(file).toContain('Соколова Мария');
    expect(file.split('\n')[0]).toContain('Дней без входа');
    // Days as a filter: nobody has been away a year and a half.
    await page.locator('input[name="days"]').fill('500');
    await expect.poll(() => page.locator('main').textContent()).not.toContain('Соколова Мария');

    // Back-office accounts without a second factor: Мария holds a granted role.
    await page.getByRole('tab', { name: 'Без второго фактора' }).click();
    await expect
      .poll(() => page.getByTestId('access-no-second-factor').textContent())
      .toContain('Соколова Мария');
    await expectRussian('no second factor');

    // A 360 px phone: cards instead of the table, nothing wider than the screen.
    await page.getByRole('tab', { name: 'Давно не входили' }).click();
    await page.locator('input[name="days"]').fill('90');
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.locator('main').textContent()).toContain('Соколова Мария');
    expect(await overflows(page)).toBe(false);
    await shot(page, 'access-03-overview-360');
    await page.goto(`${context.baseUrl}/admin/#/users/${person.id}/show`);
    await page.getByTestId('person-access').waitFor();
    expect(await overflows(page)).toBe(false);
    await shot(page, 'access-04-person-360');
  });
});
