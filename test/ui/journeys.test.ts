import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { fireDueChanges } from '../../server/sources/hr/schedule/fire.ts';
import { rescheduleFromDates } from '../../server/sources/hr/schedule/reschedule.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { createDeviceSession, createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { openRow, openUser, runAction, searchPeople } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';
import { dataWords, describeFindings, languageFindings } from './language.ts';

const RUN = browserAvailable();
const LOCALES = ['ru', 'en'] as const;
type Locale = (typeof LOCALES)[number];

/** The words each journey clicks, in each language. */
const WORDS = {
  ru: {
    admin: 'Администратор',
    role: 'Роль в бэк-офисе',
    deactivate: 'Деактивировать',
    create: /Создать|Добавить/,
    save: 'Сохранить',
    upload: 'Загрузить и просмотреть',
  },
  en: {
    admin: 'Admin',
    role: 'Back-office role',
    deactivate: 'Deactivate',
    create: /Create|Add/,
    save: 'Save',
    upload: 'Upload and preview',
  },
} as const;

let context: TestContext;
let browser: Browser;
/** Every screen's findings, by language: reported together, so one run shows every gap. */
const findings: Record<Locale, string[]> = { ru: [], en: [] };

/** Waits for the screen to settle, then records what it says that it should not. */
async function check(page: Page, locale: Locale, screen: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // The loading bar and skeletons are gone once react-admin has rendered the answer.
  await page
    .locator('.RaLoadingIndicator-loadedIcon, main')
    .first()
    .waitFor()
    .catch(() => undefined);
  const found = await languageFindings(page, locale, await dataWords(context));
  if (found.length > 0) findings[locale].push(describeFindings(`${screen} (${locale})`, found));
}

/** Opens a console path and checks it. */
async function visit(page: Page, locale: Locale, path: string, screen: string, ready: string) {
  await page.goto(`${context.baseUrl}/admin/#/${path}`);
  await page.locator(ready).first().waitFor();
  await check(page, locale, screen);
}

/** A Windows-1251 CSV with `;` and CRLF, as 1C saves a staff list. */
function staffList(locale: Locale): Buffer {
  const rows = [
    'Табельный номер;Фамилия;Имя;Отчество;Должность;Подразделение;Эл. почта',
    `${locale === 'ru' ? 1 : 2}2001;Гусева;Вера;Павловна;Бухгалтер;Бухгалтерия;guseva.${locale}@example.ru`,
    `${locale === 'ru' ? 1 : 2}2002;Зайцев;Роман;Олегович;Инженер;Отдел эксплуатации;zaitsev.${locale}@example.ru`,
  ];
  return iconv.encode(`${rows.join('\r\n')}\r\n`, 'win1251');
}

/**
 * HR's termination date, scheduled as the HR file schedules it, then due (its instant moved into
 * the past, standing in for the days passing) and fired by the schedule.
 */
async function leaveByDate(person: User): Promise<void> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await context.services.pool.query('update app_user set termination_date = $2 where id = $1', [
    person.id,
    tomorrow,
  ]);
  await context.services.orm.em.fork().transactional((em) =>
    rescheduleFromDates(em, {
      userIds: [person.id],
      sourceId: 'hr-import',
      actorLabel: 'source:hr-import',
      actorId: null,
      now: new Date(),
      timeZone: 'Europe/Moscow',
    }),
  );
  await context.services.pool.query(
    `update scheduled_change set effective_at = now() - interval '1 minute'
      where user_id = $1 and fired_at is null`,
    [person.id],
  );
  await fireDueChanges(context.services);
  const { rows } = await context.services.pool.query<{ status: string }>(
    'select status from app_user where id = $1',
    [person.id],
  );
  expect(rows[0]?.status).toBe('deactivated');
}

describe.runIf(RUN)('every role walks its journey in both languages', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startTestContext({
      // Two superadmins act here; dual control is tested in test/configChanges and test/ui/configChanges.test.ts.
      dualControl: { enabled: false },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await context?.close();
  });

  for (const locale of LOCALES) {
    const words = WORDS[locale];
    const people: Record<string, User> = {};

    describe(locale === 'ru' ? 'in Russian' : 'in English', () => {
      beforeAll(async () => {
        const s = context.services;
        people.root = await backofficePerson(context, 'superadmin', {
          username: `root-${locale}`,
          familyName: 'Корнев',
          givenName: 'Иван',
        });
        people.admin = await backofficePerson(context, 'admin', {
          username: `admin-${locale}`,
          familyName: 'Орлова',
          givenName: 'Ольга',
        });
        people.staff = await backofficePerson(context, 'staff', {
          username: `staff-${locale}`,
          familyName: 'Белов',
          givenName: 'Борис',
        });
        people.auditor = await backofficePerson(context, 'auditor', {
          username: `auditor-${locale}`,
          familyName: 'Ревизорова',
          givenName: 'Нина',
        });
        people.candidate = await createPerson(s, {
          familyName: locale === 'ru' ? 'Кандидатов' : 'Кандидатова',
          givenName: 'Глеб',
        });
        people.leaver = await createPerson(s, {
          familyName: locale === 'ru' ? 'Бондаренко' : 'Бондарчук',
          givenName: 'Дмитрий',
          middleName: 'Игоревич',
          phone: '+79161234567',
        });
        await createDeviceSession(s, people.leaver, { deviceName: 'Pixel 8' });
        // Someone HR lets go by date: the schedule deactivates them with the service's own
        // reason, which the auditor then reads on the card and in the log.
        people.byDate = await createPerson(s, {
          familyName: locale === 'ru' ? 'Датова' : 'Датов',
          givenName: 'Зоя',
        });
        await leaveByDate(people.byDate);
      });

      it('the superadmin looks around and appoints an admin', {
        timeout: BROWSER_TEST_MS,
      }, async () => {
        const page = await newPage(browser, locale);
        await uiLogin(page, context, { username: `root-${locale}`, password: GOOD_PASSWORD });
        await check(page, locale, 'dashboard');
        await visit(page, locale, 'users', 'people list', 'table tbody tr');
        await visit(page, locale, 'backoffice-accounts', 'back-office accounts', 'table');
        await visit(page, locale, 'organizations', 'organizations', 'main');
        await visit(page, locale, 'spaces', 'spaces', 'main');
        await visit(page, locale, 'directory-sources', 'directory sources', 'main');
        await visit(page, locale, 'sync-runs', 'sync runs', 'main');
        await visit(page, locale, 'scheduled-changes', 'scheduled changes', 'main');
        await visit(page, locale, 'scim-tokens', 'SCIM tokens', 'main');
        await openUser(page, context, (people.candidate as User).id);
        await check(page, locale, 'person card');
        await page.getByRole('button', { name: words.role }).first().click();
        const dialog = page.getByRole('dialog');
        await dialog.waitFor();
        await check(page, locale, 'role dialog');
        await dialog.getByLabel(words.admin, { exact: true }).check();
        await dialog
          .locator('textarea[name="reason"]')
          .fill(`Назначение: ${locale === 'ru' ? 'первое' : 'второе'}`);
        await dialog.locator('button[type="submit"]').click();
        await dialog.waitFor({ state: 'hidden' });
        await check(page, locale, 'person card after the appointment');
        await expect
          .poll(
            async () =>
              (
                await context.services.pool.query('select role from app_user where id = $1', [
                  (people.candidate as User).id,
                ])
              ).rows[0]?.role,
          )
          .toBe('admin');
        if (locale === 'ru') await shot(page, `journey-superadmin-${locale}`);
        await page.close();
      });

      it('the admin finds a person by name and deactivates them', {
        timeout: BROWSER_TEST_MS,
      }, async () => {
        const page = await newPage(browser, locale);
        await uiLogin(page, context, { username: `admin-${locale}`, password: GOOD_PASSWORD });
        await check(page, locale, 'dashboard (admin)');
        const leaver = (people.leaver as User).familyName;
        expect(await searchPeople(page, context, leaver, leaver)).toBe(1);
        await check(page, locale, 'people search');
        await openRow(page, leaver);
        await check(page, locale, 'person card (admin)');
        await runAction(page, words.deactivate, { reason: `Уволен по собственному желанию` });
        await expect
          .poll(
            async () =>
              (
                await context.services.pool.query('select status from app_user where id = $1', [
                  (people.leaver as User).id,
                ])
              ).rows[0]?.status,
          )
          .toBe('deactivated');
        await check(page, locale, 'person card after deactivation');
        await page.close();
      });

      it('the staff member adds a person', { timeout: BROWSER_TEST_MS }, async () => {
        const page = await newPage(browser, locale);
        await uiLogin(page, context, { username: `staff-${locale}`, password: GOOD_PASSWORD });
        await check(page, locale, 'dashboard (staff)');
        await page.goto(`${context.baseUrl}/admin/#/users/create`);
        await page.locator('input[name="familyName"]').waitFor();
        await check(page, locale, 'add a person');
        await page.locator('input[name="familyName"]').fill('Новикова');
        await page.locator('input[name="givenName"]').fill('Алла');
        await page.locator('input[name="username"]').fill(`novikova-${locale}`);
        await page.locator('input[name="email"]').fill(`novikova-${locale}@corp.example`);
        await page.getByRole('button', { name: words.save }).click();
        await expect
          .poll(
            async () =>
              (
                await context.services.pool.query(
                  'select count(*)::int as n from app_user where username = $1',
                  [`novikova-${locale}`],
                )
              ).rows[0]?.n,
          )
          .toBe(1);
        await page.locator('section').first().waitFor();
        await check(page, locale, 'the added person');
        await page.close();
      });

      it('the staff member imports the HR staff list', { timeout: BROWSER_TEST_MS }, async () => {
        const hr = await backofficePerson(context, 'staff', {
          username: `hr-${locale}`,
          familyName: 'Кадрова',
          givenName: 'Ирина',
        });
        expect(hr.role).toBe('staff');
        const page = await newPage(browser, locale);
        await uiLogin(page, context, { username: `hr-${locale}`, password: GOOD_PASSWORD });
        await visit(
          page,
          locale,
          'imports/create',
          'import upload',
          '[data-testid="import-upload"]',
        );
        await page.getByTestId('import-file').setInputFiles({
          name: `staff-${locale}.csv`,
          mimeType: 'text/csv',
          buffer: staffList(locale),
        });
        await page.getByRole('button', { name: words.upload }).click();
        await page.getByTestId('import-preview').waitFor();
        await check(page, locale, 'import preview');
        await visit(page, locale, 'imports', 'imports list', 'main');
        await page.close();
      });

      it('the auditor reads the log, opens an event and exports', {
        timeout: BROWSER_TEST_MS,
      }, async () => {
        const page = await newPage(browser, locale);
        await uiLogin(page, context, { username: `auditor-${locale}`, password: GOOD_PASSWORD });
        await check(page, locale, 'dashboard (auditor)');
        await visit(
          page,
          locale,
          'audit-events',
          'audit log',
          '[data-testid="audit-list"] tbody tr',
        );
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByTestId('export-csv').click(),
        ]);
        const csv = readFileSync((await download.path()) as string, 'utf8');
        expect(csv).toContain('user.deactivated');
        await page.getByTestId('audit-list').locator('tbody tr').first().click();
        await page.locator('main').first().waitFor();
        await check(page, locale, 'audit event');
        await visit(page, locale, 'users', 'people list (auditor)', 'table tbody tr');
        await openUser(page, context, (people.leaver as User).id);
        await check(page, locale, 'person card (auditor)');
        await openUser(page, context, (people.byDate as User).id);
        await page.getByTestId('status-history').locator('tbody tr').first().waitFor();
        await check(page, locale, 'card of a person the schedule deactivated');
        await page.close();
      });
    });
  }

  it('the main screens in Russian at 1440 and 360 px, for docs/admin-ui.md', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const s = context.services;
    // A small company, so the tree shows totals of its subtrees.
    const org = async (name: string, parentId: string | null) => {
      const id = randomUUID();
      await s.pool.query(
        `insert into organization (id, name, kind, parent_id) values ($1, $2, 'department', $3)`,
        [id, name, parentId],
      );
      return id;
    };
    const company = await org('ООО «Ромашка»', null);
    const finance = await org('Финансовый департамент', company);
    const accounting = await org('Бухгалтерия', finance);
    const it = await org('ИТ-отдел', company);
    const staff = [
      ['Смирнова', 'Анна', 'Павловна', accounting],
      ['Кузнецов', 'Пётр', 'Ильич', accounting],
      ['Волкова', 'Елена', 'Сергеевна', finance],
      ['Морозов', 'Илья', 'Андреевич', it],
      ['Лебедева', 'Дарья', 'Олеговна', it],
    ] as const;
    const people = [];
    for (const [familyName, givenName, middleName, organizationId] of staff)
      people.push(await createPerson(s, { familyName, givenName, middleName, organizationId }));
    const person = people[0] as User;
    await backofficePerson(context, 'superadmin', {
      username: 'docs-root',
      familyName: 'Корнева',
      givenName: 'Елена',
    });
    const page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'docs-root', password: GOOD_PASSWORD });
    for (const [width, height] of [
      [1440, 900],
      [360, 740],
    ] as const) {
      const wide = width > 600;
      const screens = [
        ['dashboard', '', '[data-testid="second-factor-rate"]'],
        ['people', 'users', wide ? 'table tbody tr' : '[data-testid="user-cards"]'],
        ['person', `users/${person.id}/show`, '[data-testid="status"]'],
        ['organizations', 'organizations', '[data-testid="org-people"]'],
        [
          'audit',
          'audit-events',
          wide ? '[data-testid="audit-list"]' : '[data-testid="audit-cards"]',
        ],
        ['import', 'imports/create', '[data-testid="import-upload"]'],
      ] as const;
      await page.setViewportSize({ width, height });
      for (const [name, path, ready] of screens) {
        await page.goto(`${context.baseUrl}/admin/#/${path}`);
        await page.locator(ready).first().waitFor();
        await check(page, 'ru', `${name} at ${width} px`);
        await shot(page, `docs-${name}-${width}`);
      }
    }
    await page.close();
  });

  it('no screen shows a key, a raw code or, in Russian, English', () => {
    expect.soft(findings.ru.join('\n'), 'Russian').toBe('');
    expect.soft(findings.en.join('\n'), 'English').toBe('');
  });
});
