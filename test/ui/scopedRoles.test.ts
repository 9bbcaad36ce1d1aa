import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice, openUser } from './actions.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { dataWords, describeFindings, languageFindings } from './language.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

/*
 * Issue 18, scoped roles in Chromium and in Russian: a superadmin grants an admin role over one
 * branch from the person's card («Права в бэк-офисе»: role, organizations from the tree, reason;
 * nothing preselected); the new branch admin signs in and finds only their branch's people and
 * no way into the other's; the superadmin withdraws the role with a reason.
 */

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;
let branchAdmin: User;
let insider: User;
let outsider: User;

async function organization(name: string, parentId: string | null): Promise<string> {
  const id = randomUUID();
  await context.services.pool.query(
    `insert into organization (id, name, kind, parent_id) values ($1, $2, 'department', $3)`,
    [id, name, parentId],
  );
  return id;
}

describe.runIf(RUN)('scoped roles in a real browser', () => {
  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite());
    const ural = await organization('Уральский филиал', null);
    const yekaterinburg = await organization('Екатеринбург', ural);
    const moscow = await organization('Московский офис', null);
    await backofficePerson(context, 'superadmin', {
      username: 'kornev',
      familyName: 'Корнев',
      givenName: 'Иван',
    });
    branchAdmin = await backofficePerson(context, null, {
      username: 'uralova',
      familyName: 'Уралова',
      givenName: 'Дарья',
      organizationId: ural,
    });
    insider = await createPerson(context.services, {
      familyName: 'Екатеринин',
      givenName: 'Пётр',
      organizationId: yekaterinburg,
    });
    outsider = await createPerson(context.services, {
      familyName: 'Москвичёв',
      givenName: 'Олег',
      organizationId: moscow,
    });
  });
  afterAll(() => closeBrowserSuite({ context, browser }));

  it('grant a branch admin role from the card; the branch admin sees only the branch', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const data = await dataWords(context);
    const page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'kornev', password: GOOD_PASSWORD });
    await openUser(page, context, branchAdmin.id);
    const rights = page.getByRole('region', { name: 'Права в бэк-офисе' });
    await expect.poll(() => rights.textContent()).toContain('Выданных ролей нет.');

    await rights.getByRole('button', { name: 'Выдать роль' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Safe dialog: no role chosen, confirming is disabled until one is.
    expect(await dialog.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await dialog.locator('button[type="submit"]').isDisabled()).toBe(true);
    await dialog.getByLabel('Администратор', { exact: true }).check();
    await dialog.getByLabel('Организации').click();
    await page.getByRole('option', { name: 'Уральский филиал', exact: true }).click();
    await dialog.locator('textarea[name="reason"]').fill('Кадровый администратор филиала');
    const found = await languageFindings(page, 'ru', data);
    expect(found, describeFindings('grant dialog', found)).toEqual([]);
    await shot(page, 'scoped-roles-01-grant-ru');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expectNotice(page, 'Роль выдана');
    const table = rights.getByTestId('role-grants');
    await expect.poll(() => table.textContent()).toContain('Уральский филиал');
    expect(await table.textContent()).toContain('Действует');
    expect(await table.textContent()).toContain('Корнев');
    await shot(page, 'scoped-roles-02-card-ru');

    // The branch admin: their branch's people only, and no card of the other branch.
    const branch = await newPage(browser, 'ru');
    await uiLogin(branch, context, { username: 'uralova', password: GOOD_PASSWORD });
    await branch.goto(`${context.baseUrl}/admin/#/users`);
    await expect.poll(() => branch.locator('table tbody').textContent()).toContain('Екатеринин');
    expect(await branch.locator('table tbody').textContent()).not.toContain('Москвичёв');
    await openUser(branch, context, insider.id);
    // Actions on the branch's people are offered (the rules know the person's organization).
    await expect
      .poll(() => branch.getByRole('button', { name: /Деактивировать/ }).count())
      .toBeGreaterThan(0);
    // Company-wide sections stay out of the menu.
    expect(await branch.getByRole('menuitem', { name: /Источники/ }).count()).toBe(0);
    await branch.goto(`${context.baseUrl}/admin/#/users/${outsider.id}/show`);
    await expect.poll(() => branch.locator('body').textContent()).not.toContain('Москвичёв');
    await shot(branch, 'scoped-roles-03-branch-admin-ru');

    // Withdrawn with a reason: the grant shows as withdrawn, by whom.
    await openUser(page, context, branchAdmin.id);
    await rights.getByRole('button', { name: 'Отозвать' }).click();
    await dialog.waitFor();
    await dialog.locator('textarea[name="reason"]').fill('Перевод в другой филиал');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expectNotice(page, 'Роль отозвана');
    await expect.poll(() => table.textContent()).toMatch(/Отозвана .*Иван Корнев/);
  });
});
