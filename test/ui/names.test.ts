import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { openUser, searchPeople } from './actions.ts';
import { browserAvailable, newPage, shot, uiLogin } from './browser.ts';
import { closeBrowserSuite, startBrowserSuite } from './setup.ts';

/*
 * Issue 16, scope 3 in Chromium, in Russian: the people list has a ФИО column and finds
 * «Бондаренко Д.И.»; "initiated by" is picked from the directory by name and the card links to
 * that person; the audit log names people (actor and target) with links, and a source as a word.
 */

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;
let staff: User;
let superadmin: User;
let initiator: User;
let synced: User;

async function signedInPage(user: User): Promise<Page> {
  const page = await newPage(browser, 'ru');
  await uiLogin(page, context, { username: user.username as string, password: GOOD_PASSWORD });
  return page;
}

describe.runIf(RUN)('people by name in a real browser', () => {
  beforeAll(async () => {
    ({ context, browser } = await startBrowserSuite());
    staff = await backofficePerson(context, 'staff', {
      username: 'o.kuznetsova',
      familyName: 'Кузнецова',
      givenName: 'Ольга',
      middleName: 'Сергеевна',
    });
    superadmin = await backofficePerson(context, 'superadmin', {
      username: 'root.admin',
      familyName: 'Главный',
      givenName: 'Админ',
    });
    initiator = await createPerson(context.services, {
      familyName: 'Бондаренко',
      givenName: 'Дмитрий',
      middleName: 'Игоревич',
    });
    await createPerson(context.services, {
      familyName: 'Бондаренко',
      givenName: 'Денис',
      middleName: 'Андреевич',
    });
    synced = await createPerson(context.services, {
      familyName: 'Синхронова',
      givenName: 'Ада',
      source: 'ad',
    });
    // An event of a directory source (not a person): the audit log names it by its kind.
    await runCommand(context.services, systemActor('source:corp-ad'), async ({ audit }) => {
      audit({
        action: 'user.updated',
        targetType: 'user',
        targetId: synced.id,
        targetLabel: synced.username ?? undefined,
      });
    });
  });
  afterAll(() => closeBrowserSuite({ context, browser }));

  it('staff find «Бондаренко Д.И.» in the ФИО column and add a person initiated by him', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await signedInPage(staff);
    expect(
      await searchPeople(page, context, 'Бондаренко Д.И.', 'Бондаренко Дмитрий Игоревич'),
    ).toBe(1);
    await expect.poll(() => page.locator('thead').textContent()).toContain('ФИО');
    await shot(page, 'names-list-ru');

    await page.goto(`${context.baseUrl}/admin/#/users/create`);
    await page.locator('input[name="familyName"]').fill('Новикова');
    await page.locator('input[name="givenName"]').fill('Мария');
    await page.locator('input[name="middleName"]').fill('Петровна');
    await page.getByLabel('По чьей инициативе: сотрудник из справочника').fill('Бондаренко Д.И.');
    await page.getByRole('option', { name: /Бондаренко Дмитрий Игоревич/ }).click();
    // Free text is for someone outside the directory only.
    expect(await page.locator('input[name="initiatedBy"]').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.waitForURL(/#\/users\/[0-9a-f-]{36}\/show/);
    const provenance = page.getByRole('region', { name: 'Происхождение' });
    const link = provenance.getByRole('link', { name: 'Бондаренко Дмитрий Игоревич' });
    await link.waitFor();
    await expect
      .poll(() => provenance.getByRole('link', { name: 'Кузнецова Ольга Сергеевна' }).count())
      .toBe(1);
    await shot(page, 'names-card-ru');
    await link.click();
    await page.waitForURL(new RegExp(`#/users/${initiator.id}/show`));
  });

  it('the audit log names people as actor and target, and a source by its kind', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await signedInPage(superadmin);
    await page.goto(`${context.baseUrl}/admin/#/audit-events`);
    const rows = page.getByTestId('audit-list').locator('tbody tr');
    const created = rows.filter({ hasText: 'Новикова Мария Петровна' }).first();
    await created.waitFor();
    expect(await created.getByRole('link', { name: 'Кузнецова Ольга Сергеевна' }).count()).toBe(1);
    expect(await created.textContent()).toContain('o.kuznetsova');
    const bySource = rows.filter({ hasText: 'Синхронова Ада' }).first();
    await bySource.waitFor();
    expect(await bySource.textContent()).toContain('Источник: corp-ad');
    await shot(page, 'names-audit-ru');
    await created.getByRole('link', { name: 'Новикова Мария Петровна' }).click();
    await page.waitForURL(/#\/users\/[0-9a-f-]{36}\/show/);
    await openUser(page, context, synced.id);
  });
});
