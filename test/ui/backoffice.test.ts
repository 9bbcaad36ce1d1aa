import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createDeviceSession, createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice, hasButton, openRow, openUser, runAction, searchPeople } from './actions.ts';
import {
  browserAvailable,
  createSuperadminByCli,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';
import { sourceWithPlan } from './syncSetup.ts';

const RUN = browserAvailable();
const ROOT_PASSWORD = 'root operator passphrase';

let context: TestContext;
let browser: Browser;
const people: Record<string, User> = {};
/** Enrollment URLs (hash part) handed out by the superadmin, by username. */
const links: Record<string, string> = {};

describe.runIf(RUN)('admin UI in a real browser', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    // Two superadmins act on directory sources here: dual control (tested in
    // test/ui/configChanges.test.ts) would hold their changes for approval.
    context = await startTestContext({ dualControl: { enabled: false } });
    browser = await launchChromium();
    const s = context.services;
    people.leaver = await createPerson(s, {
      familyName: 'Смирнова',
      givenName: 'Анна',
      phone: '+79161234567',
    });
    people.lostPhone = await createPerson(s, { familyName: 'Кузнецов', givenName: 'Пётр' });
    people.stolen = await createPerson(s, { familyName: 'Волков', givenName: 'Олег' });
    people.future = await createPerson(s, {
      username: 'orlova',
      familyName: 'Орлова',
      givenName: 'Ольга',
    });
    people.clerk = await createPerson(s, {
      username: 'belov',
      familyName: 'Белов',
      givenName: 'Борис',
    });
    people.onLeave = await createPerson(s, { familyName: 'Соколова', givenName: 'Мария' });
    await createDeviceSession(s, people.lostPhone, { deviceName: 'Pixel 8' });
    await createDeviceSession(s, people.stolen, { deviceName: 'iPhone 15', platform: 'ios' });
  });
  afterAll(async () => {
    await browser?.close();
    await context?.close();
  });

  /** Appoints `person` to `role` (Russian UI) and records the enrollment link it issues. */
  async function appoint(page: Page, person: User, roleLabel: string, name: string) {
    await openUser(page, context, person.id);
    await runAction(page, 'Роль в бэк-офисе', { choice: roleLabel, reason: 'Назначение' });
    await expectNotice(page, 'Роль изменена');
    await page.getByRole('button', { name: 'Ссылка для входа' }).click();
    const url = await page.getByTestId('enrollment-url').inputValue();
    links[person.username as string] = new URL(url).hash;
    await shot(page, `${name}-enrollment-link-ru`);
    await page.getByRole('dialog').getByRole('button', { name: 'Закрыть' }).click();
  }

  it('a superadmin from the CLI signs in with TOTP and appoints an admin and a staff member', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const uri = await createSuperadminByCli(context, 'root', 'Корнев Иван', ROOT_PASSWORD);
    const page = await newPage(browser, 'ru');
    await page.goto(`${context.baseUrl}/admin/`);
    await page.locator('#username').waitFor();
    await shot(page, '01-login-ru');
    await uiLogin(page, context, {
      username: 'root',
      password: ROOT_PASSWORD,
      secret: new URL(uri).searchParams.get('secret') ?? '',
      shotName: '02-totp-ru',
    });
    await expect.poll(() => page.getByText('Сотрудники по статусам').count()).toBeGreaterThan(0);
    await shot(page, '03-dashboard-superadmin-ru');
    await appoint(page, people.future as User, 'Администратор', '04-admin');
    await appoint(page, people.clerk as User, 'Оператор', '05-staff');
    await page.goto(`${context.baseUrl}/admin/#/backoffice-accounts`);
    await page.locator('[data-testid="accounts"] tbody tr', { hasText: 'Орлова' }).waitFor();
    await shot(page, '06-backoffice-accounts-ru');
    await page.close();
  });

  it('the admin enrolls, finds people by name and phone, deactivates, resets 2FA, revokes a session', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await newPage(browser, 'en');
    await page.goto(`${context.baseUrl}/admin/${links.orlova}`);
    await page.locator('#new-password').fill(GOOD_PASSWORD);
    await page.locator('#confirm-password').fill(GOOD_PASSWORD);
    await shot(page, '10-enroll-password-en');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set').waitFor();
    await uiLogin(page, context, {
      username: 'orlova',
      password: GOOD_PASSWORD,
      shotName: '11-totp-enroll-qr-en',
    });

    expect(await searchPeople(page, context, 'смирн', 'Смирнова')).toBe(1);
    await shot(page, '12-users-search-name-en');
    expect(await searchPeople(page, context, '916 123', 'Смирнова')).toBe(1);
    await openRow(page, 'Смирнова');
    await runAction(page, 'Deactivate', { reason: 'Left the company (HR-1234)' });
    await expectNotice(page, 'Deactivated');
    await expect
      .poll(() => page.getByText('Left the company (HR-1234)').count())
      .toBeGreaterThan(0);
    await shot(page, '13-user-card-deactivated-en');

    await openUser(page, context, (people.lostPhone as User).id);
    await page.getByRole('button', { name: 'Reset 2FA' }).click();
    await shot(page, '14-reset-2fa-dialog-en');
    await page.getByRole('dialog').locator('textarea[name="reason"]').fill('Lost phone');
    await page.getByRole('dialog').locator('button[type="submit"]').click();
    await expectNotice(page, /Second factor reset/);

    await openUser(page, context, (people.stolen as User).id);
    const sessions = page.getByTestId('sessions');
    await sessions.getByText('iPhone 15').waitFor();
    await sessions.getByRole('button', { name: 'Revoke' }).click();
    // A reason is required to end a session: the confirm button waits for one.
    await page.getByRole('dialog').locator('textarea[name="reason"]').fill('Phone stolen');
    await page.getByRole('dialog').locator('button[type="submit"]').click();
    await expectNotice(page, 'Session revoked');
    await sessions.getByText('Ended').waitFor();
    await shot(page, '15-sessions-revoked-en');
    await page.close();
  });

  it('the staff member sees no audit log or role management and cannot act on an admin', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await newPage(browser, 'ru');
    await page.goto(`${context.baseUrl}/admin/${links.belov}`);
    await page.locator('#new-password').fill(GOOD_PASSWORD);
    await page.locator('#confirm-password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Задать пароль' }).click();
    await page.getByText('Пароль задан').waitFor();
    await uiLogin(page, context, { username: 'belov', password: GOOD_PASSWORD });
    await shot(page, '20-dashboard-staff-ru');
    const menu = page.locator('.RaSidebar-fixed, .MuiDrawer-root');
    await menu.getByText('Сотрудники').first().waitFor();
    expect(await menu.getByText('Журнал аудита').count()).toBe(0);
    expect(await menu.getByText('Роли в бэк-офисе').count()).toBe(0);

    await openUser(page, context, (people.future as User).id);
    await shot(page, '21-staff-on-admin-card-ru');
    expect(await hasButton(page, 'Деактивировать')).toBe(false);
    expect(await hasButton(page, 'Роль в бэк-офисе')).toBe(false);
    expect(await hasButton(page, 'Сбросить второй фактор')).toBe(false);
    await openUser(page, context, (people.stolen as User).id);
    expect(await hasButton(page, 'Деактивировать')).toBe(true);
    expect(await hasButton(page, 'Роль в бэк-офисе')).toBe(false);

    await page.goto(`${context.baseUrl}/admin/#/audit-events`);
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('audit-list').count()).toBe(0);
    await shot(page, '22-staff-audit-denied-ru');
    await page.close();
  });

  it('a staff member suspends a person from the card with a reason, sees it, and lifts it', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    // Staff do not read the audit log: the status history on the card is theirs all the same.
    await backofficePerson(context, 'staff', { username: 'kadrova', familyName: 'Кадрова' });
    const page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'kadrova', password: GOOD_PASSWORD });
    const person = people.onLeave as User;
    await openUser(page, context, person.id);
    const status = page.getByTestId('status');
    await expect.poll(() => status.textContent()).toBe('Активен');
    expect(await hasButton(page, 'Снять приостановку')).toBe(false);

    // The reason is required: the dialog cannot be confirmed without one.
    await page.getByRole('button', { name: 'Приостановить' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.locator('button[type="submit"]').isDisabled()).toBe(true);
    await dialog.locator('textarea[name="reason"]').fill('Отпуск по уходу за ребёнком');
    await shot(page, '23-suspend-dialog-ru');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expectNotice(page, 'Доступ приостановлен');
    await expect.poll(() => status.textContent()).toBe('Приостановлен');
    const history = page.getByTestId('status-history');
    const suspended = history.locator('tbody tr', { hasText: 'Отпуск по уходу за ребёнком' });
    await suspended.waitFor();
    expect(await suspended.textContent()).toContain('Активен → Приостановлен');
    expect(await suspended.textContent()).toContain('Консоль');
    expect(await hasButton(page, 'Приостановить')).toBe(false);
    expect(await hasButton(page, 'Снять приостановку')).toBe(true);
    await shot(page, '24-card-suspended-ru');

    // The list shows the new status too.
    expect(await searchPeople(page, context, 'Соколова', 'Соколова')).toBe(1);
    await page
      .locator('table tbody tr', { hasText: 'Соколова' })
      .getByText('Приостановлен')
      .waitFor();
    await openRow(page, 'Соколова');

    await runAction(page, 'Снять приостановку', { reason: 'Вернулась из отпуска' });
    await expectNotice(page, 'Приостановка снята');
    await expect.poll(() => status.textContent()).toBe('Активен');
    const lifted = history.locator('tbody tr').first();
    await expect.poll(() => lifted.textContent()).toContain('Приостановлен → Активен');
    expect(await lifted.textContent()).toContain('Вернулась из отпуска');
    expect(await hasButton(page, 'Приостановить')).toBe(true);
    await shot(page, '25-suspension-lifted-ru');
    await page.close();
  });

  it('an auditor filters the audit log, sees the events above, and exports them', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await backofficePerson(context, 'auditor', { username: 'auditor', familyName: 'Ревизорова' });
    const page = await newPage(browser, 'en');
    await uiLogin(page, context, { username: 'auditor', password: GOOD_PASSWORD });
    await page.goto(`${context.baseUrl}/admin/#/audit-events`);
    const list = page.getByTestId('audit-list');
    await list.waitFor();
    await shot(page, '30-audit-log-en');

    const deactivated = encodeURIComponent(JSON.stringify({ action: 'user.deactivated' }));
    await page.goto(`${context.baseUrl}/admin/#/audit-events?filter=${deactivated}`);
    await list.locator('tbody tr', { hasText: people.leaver?.username ?? '-' }).waitFor();
    // The unfiltered page may still be on screen for a moment: wait for the filtered one.
    await expect.poll(() => list.locator('tbody tr').count()).toBe(1);
    await list.getByText('Left the company (HR-1234)').waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv).toContain('user.deactivated');
    expect(csv).toContain('Left the company (HR-1234)');
    expect(csv).not.toContain('user.2fa_reset');

    await list.locator('tbody tr').first().click();
    await page.getByTestId('diff').waitFor();
    await shot(page, '31-audit-event-diff-en');

    const reset = encodeURIComponent(JSON.stringify({ action: 'user.2fa_reset' }));
    await page.goto(`${context.baseUrl}/admin/#/audit-events?filter=${reset}`);
    await list.locator('tbody tr', { hasText: people.lostPhone?.username ?? '-' }).waitFor();
    const revoked = encodeURIComponent(JSON.stringify({ action: 'session.revoked' }));
    await page.goto(`${context.baseUrl}/admin/#/audit-events?filter=${revoked}`);
    await list.locator('tbody tr', { hasText: people.stolen?.username ?? '-' }).waitFor();

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page
      .getByTestId('chain-status')
      .getByText(/Intact/)
      .waitFor();
    await shot(page, '32-audit-verified-en');

    // The language switch, remembered across a reload.
    await page
      .getByRole('button', { name: /language|english|русский/i })
      .first()
      .click();
    await page.getByRole('menuitem', { name: 'Русский' }).click();
    await page.reload();
    await page.getByText('Журнал аудита').first().waitFor();
    await shot(page, '33-audit-log-ru');
    await page.close();
  });
  it('an admin opens the directory sources and a dry run plan as a readable diff', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const { sourceId, run } = await sourceWithPlan(context);
    await backofficePerson(context, 'admin', { username: 'syncadmin', familyName: 'Синицына' });
    const page = await newPage(browser, 'en');
    await uiLogin(page, context, { username: 'syncadmin', password: GOOD_PASSWORD });
    await page.getByTestId('sync-runs-widget').getByText('Planned').first().waitFor();
    await shot(page, '40-dashboard-sync-en');
    await page.goto(`${context.baseUrl}/admin/#/directory-sources`);
    await page.getByTestId('sources').getByText(sourceId).waitFor();
    await shot(page, '41-directory-sources-en');
    await openRow(page, sourceId);
    await page.getByRole('button', { name: 'Dry run' }).waitFor();
    await page.getByTestId('runs').locator('tbody tr').first().waitFor();
    await shot(page, '42-directory-source-en');
    await page.goto(`${context.baseUrl}/admin/#/sync-runs/${run.id}/show`);
    const plan = page.getByTestId('plan');
    await plan.getByText('Главный бухгалтер').waitFor();
    await shot(page, '43-sync-run-plan-en');
    await page.getByTestId('plan-action-filter').click();
    await page.getByRole('option', { name: 'Update' }).click();
    await expect.poll(() => plan.locator('tbody tr').count()).toBe(1);
    await plan.getByText('Бухгалтер', { exact: true }).waitFor();
    await page.close();
  });
});
