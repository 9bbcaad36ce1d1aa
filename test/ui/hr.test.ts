import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice, hasButton, runAction, searchPeople } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

const RUN = browserAvailable();

let context: TestContext;
let browser: Browser;

const HEADER =
  'Табельный номер;Фамилия;Имя;Отчество;Должность;Подразделение;Эл. почта;Дата приёма;Дата увольнения';

/** DD.MM.YYYY, as 1C writes dates, `days` from today. */
function dayFromNow(days: number): { ru: string; iso: string } {
  const date = new Date(Date.now() + days * 86_400_000);
  const iso = date.toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return { ru: `${d}.${m}.${y}`, iso };
}

const LEAVING = dayFromNow(60);

/** The staff list: eight people, the last one leaving in two months. */
const STAFF = [
  '1001;Лебедева;Дарья;Сергеевна;Бухгалтер;Бухгалтерия;lebedeva@example.ru;01.02.2020;',
  '1002;Морозов;Илья;Петрович;Инженер;Отдел эксплуатации;morozov@example.ru;15.03.2021;',
  '1003;Соколова;Мария;Ивановна;Юрист;Юридический отдел;sokolova@example.ru;10.09.2019;',
  '1004;Новиков;Павел;Андреевич;Аналитик;Отдел эксплуатации;novikov@example.ru;01.06.2022;',
  '1005;Фёдорова;Алёна;Олеговна;Кассир;Бухгалтерия;fedorova@example.ru;20.01.2018;',
  '1006;Попов;Семён;Ильич;Водитель;Гараж;popov@example.ru;05.05.2017;',
  '1007;Васильева;Инна;Юрьевна;Секретарь;Приёмная;vasilyeva@example.ru;11.11.2016;',
  `1008;Ёлкин;Фёдор;Кузьмич;Кладовщик;Склад;yolkin@example.ru;01.04.2015;${LEAVING.ru}`,
];

/** A Windows-1251 CSV with `;` and CRLF, as Excel and 1C save it in Russia. */
function cp1251(rows: string[]): Buffer {
  return iconv.encode(`${[HEADER, ...rows].join('\r\n')}\r\n`, 'win1251');
}

/** Chooses the file and the scope on the import page and uploads it; waits for the preview. */
async function uploadFile(page: Page, name: string, rows: string[], complete: boolean) {
  await page.goto(`${context.baseUrl}/admin/#/imports/create`);
  await page.getByTestId('import-upload').waitFor();
  await page.getByTestId('import-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: cp1251(rows),
  });
  await page.getByTestId('import-file-name').getByText(name).waitFor();
  if (complete) await page.getByLabel(/Полный список сотрудников/).check();
  await page.getByRole('button', { name: 'Загрузить и просмотреть' }).click();
  await page.getByTestId('import-preview').waitFor();
  return new URL(page.url()).hash.split('/')[2] ?? '';
}

/** Status of people by employee number, straight from the database. */
async function statuses(): Promise<Record<string, string>> {
  const { rows } = await context.services.pool.query<{ n: string; status: string }>(
    `select employee_number as n, status from app_user where employee_number is not null`,
  );
  return Object.fromEntries(rows.map((row) => [row.n, row.status]));
}

describe.runIf(RUN)('HR feeds in the admin UI, in a real browser', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    // A complete list may leave out most people without the run looking like a broken read;
    // more than one deactivation still waits for approval.
    context = await startTestContext({
      hr: {
        import: {
          thresholds: { minShareOfManaged: 0.2, maxDeactivationShare: 0.1, maxDeactivations: 50 },
        },
      },
    });
    browser = await launchChromium();
    await backofficePerson(context, 'staff', { username: 'kadry', familyName: 'Кадрова' });
    await backofficePerson(context, 'admin', { username: 'hradmin', familyName: 'Главная' });
    await backofficePerson(context, 'superadmin', { username: 'hrroot', familyName: 'Корнева' });
  });
  afterAll(async () => {
    await staff?.close();
    await admin?.close();
    await browser?.close();
    await context?.close();
  });

  // One staff session for the whole file: a second sign-in within the same TOTP step would
  // reuse a code the service refuses to accept twice.
  let staff: Page;
  let admin: Page;
  let heldImportId = '';

  it('a staff member uploads a Windows-1251 CSV, previews it as a plan and applies it', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    staff = await newPage(browser, 'ru');
    const page = staff;
    await uiLogin(page, context, { username: 'kadry', password: GOOD_PASSWORD });
    const menu = page.locator('.RaSidebar-fixed, .MuiDrawer-root');
    await menu.getByText('Импорт сотрудников').first().waitFor();
    await menu.getByText('Запланированные изменения').first().waitFor();
    expect(await menu.getByText('Токены SCIM').count()).toBe(0);

    await page.goto(`${context.baseUrl}/admin/#/imports/create`);
    await page.getByTestId('import-upload').waitFor();
    await shot(page, 'hr-01-import-upload-ru');
    await uploadFile(page, 'сотрудники.csv', STAFF, false);
    const preview = page.getByTestId('import-preview');
    await preview.getByText(/1251/).first().waitFor();
    await preview.getByText('«;»').waitFor();
    await expect.poll(() => page.getByTestId('import-counts').textContent()).toMatch(/Создать: 8/);
    const mapping = page.getByTestId('import-mapping');
    await mapping.getByRole('cell', { name: 'Табельный номер', exact: true }).waitFor();
    const plan = page.getByTestId('plan');
    await plan.getByText('Лебедева').first().waitFor();
    await plan.getByText('Кладовщик').first().waitFor();
    await shot(page, 'hr-02-import-preview-ru');

    await runAction(page, 'Применить');
    await expectNotice(page, 'Импорт применяется');
    await page.getByTestId('import-applied').waitFor();
    await shot(page, 'hr-03-import-applied-ru');
    expect(Object.keys(await statuses()).sort()).toEqual(STAFF.map((row) => row.slice(0, 4)));
    expect(await searchPeople(page, context, 'Лебедева', 'Лебедева')).toBe(1);

    await page.goto(`${context.baseUrl}/admin/#/imports`);
    await page.getByTestId('imports').getByText('сотрудники.csv').waitFor();
    await shot(page, 'hr-04-imports-list-ru');
  });

  it('a complete list leaving out most people is held, and an admin approves it', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = staff;
    // Only the first and the leaver remain: six of eight would be deactivated.
    heldImportId = await uploadFile(
      page,
      'штат-полный.csv',
      [STAFF[0], STAFF[7]] as string[],
      true,
    );
    await expect
      .poll(() => page.getByTestId('import-counts').textContent())
      .toMatch(/Деактивировать: 6/);
    await runAction(page, 'Применить');
    await page.getByTestId('awaiting-approval').waitFor();
    await shot(page, 'hr-05-import-held-staff-ru');
    // Staff may import but not approve.
    expect(await hasButton(page, 'Утвердить')).toBe(false);
    expect((await statuses())['1002']).toBe('active');

    admin = await newPage(browser, 'en');
    await uiLogin(admin, context, { username: 'hradmin', password: GOOD_PASSWORD });
    await admin.goto(`${context.baseUrl}/admin/#/imports/${heldImportId}/show`);
    await admin.getByTestId('awaiting-approval').waitFor();
    await shot(admin, 'hr-06-import-held-admin-en');
    await runAction(admin, 'Approve');
    await admin.getByTestId('import-applied').waitFor();
    await shot(admin, 'hr-07-import-approved-en');
    const after = await statuses();
    expect(after['1001']).toBe('active');
    expect(after['1008']).toBe('active');
    expect(['1002', '1003', '1004', '1005', '1006', '1007'].map((n) => after[n])).toEqual(
      Array(6).fill('deactivated'),
    );
  });

  it('the scheduled changes list shows the leaver the import scheduled, and the card its sources', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = staff;
    await page.goto(`${context.baseUrl}/admin/#/scheduled-changes`);
    const list = page.getByTestId('scheduled-changes');
    const row = list.locator('tbody tr', { hasText: 'Ёлкин' });
    await row.waitFor();
    await row.getByText('Деактивация').waitFor();
    await row.locator(`time[datetime]`).first().waitFor();
    await row.getByText('Кадровый файл').first().waitFor();
    await shot(page, 'hr-08-scheduled-changes-ru');

    await row.getByRole('link').first().click();
    await page.getByTestId('person-schedule').getByText('Деактивация').waitFor();
    await expect
      .poll(() => page.getByTestId('owner-familyName').textContent())
      .toMatch(/Кадровый файл/);
    await page.getByTestId('owner-hireDate').waitFor();
    await shot(page, 'hr-09-person-card-owners-ru');
    // The admin edits profiles: the fields HR maintains are read-only in the form.
    const cardUrl = page.url();
    await admin.goto(cardUrl.replace(/\/show$/, ''));
    await admin.locator('input[name="familyName"]').waitFor();
    expect(await admin.locator('input[name="familyName"]').isDisabled()).toBe(true);
    expect(await admin.locator('input[name="initiatedBy"]').isDisabled()).toBe(false);
    await admin
      .getByText(/Maintained by HR: HR file/)
      .first()
      .waitFor();
    await shot(admin, 'hr-10-person-edit-owned-en');

    // Staff schedule a leaver by hand from the card, then cancel it from the list.
    const { rows } = await context.services.pool.query<{ id: string }>(
      `select id from app_user where employee_number = '1001'`,
    );
    await page.goto(`${context.baseUrl}/admin/#/users/${rows[0]?.id}/show`);
    await page.getByRole('button', { name: 'Запланировать деактивацию' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="date"]').fill(dayFromNow(30).iso);
    await dialog.locator('textarea[name="reason"]').fill('Заявление об увольнении');
    await shot(page, 'hr-11-schedule-deactivation-ru');
    await dialog.locator('button[type="submit"]').click();
    await expectNotice(page, 'Деактивация запланирована');
    await page.getByTestId('person-schedule').getByText('Заявление об увольнении').waitFor();
    await page.goto(`${context.baseUrl}/admin/#/scheduled-changes`);
    const manual = list.locator('tbody tr', { hasText: 'Заявление об увольнении' });
    await manual.getByRole('button', { name: 'Отменить' }).click();
    await page.getByRole('dialog').locator('button[type="submit"]').click();
    await expectNotice(page, 'Запланированное изменение отменено');
    await manual.waitFor({ state: 'detached' });
  });

  it('a superadmin creates a SCIM token, sees it once, and revokes it', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'hrroot', password: GOOD_PASSWORD });
    await page.goto(`${context.baseUrl}/admin/#/scim-tokens`);
    await page.getByRole('button', { name: 'Новый токен' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="name"]').fill('1С:ЗУП');
    await dialog.locator('button[type="submit"]').click();
    const tokenInput = dialog.getByTestId('scim-token');
    await tokenInput.waitFor();
    const token = await tokenInput.inputValue();
    expect(token.length).toBeGreaterThan(20);
    expect(await dialog.getByTestId('scim-base-url').inputValue()).toBe(
      `${context.baseUrl}/scim/v2`,
    );
    await shot(page, 'hr-12-scim-token-created-ru');
    await dialog.getByRole('button', { name: 'Токен сохранён' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const tokens = page.getByTestId('scim-tokens');
    const row = tokens.locator('tbody tr', { hasText: '1С:ЗУП' });
    await row.getByText('Действует').waitFor();
    // Shown once: the list never holds the secret.
    expect(await page.content()).not.toContain(token);
    await row.getByRole('button', { name: 'Отозвать' }).click();
    await page.getByRole('dialog').locator('button[type="submit"]').click();
    await expectNotice(page, 'Токен отозван');
    await row.getByText('Отозван', { exact: true }).waitFor();
    await shot(page, 'hr-13-scim-token-revoked-ru');
    const scim = await fetch(`${context.baseUrl}/scim/v2/Users`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(scim.status).toBe(401);
    await page.close();
  });
});
