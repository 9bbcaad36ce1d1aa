import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEn } from '../../admin-ui/src/i18n/en.ts';
import { CONNECTION_TEST_MESSAGES } from '../../server/sources/ldap/connectionTestCodes.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople } from '../support/sambaPeople.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { runAction, searchPeople } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

/**
 * Issue 13, "Done when" 1: a superadmin sets up an AD source from an empty console in Chromium,
 * tests the connection, previews entries, runs a dry run and applies it against a real Samba AD
 * DC; the typed bind password is never readable back (API answers, audit events, log lines).
 */

const RUN = browserAvailable() && sambaAvailable;
const SOURCE = 'corp-ad';
/** The service account's password as the superadmin types it (the DC's Administrator's). */
let typedPassword = '';

let dc: SambaDc;
let context: TestContext;
let browser: Browser;
let page: Page;
let staffOu = '';
/** A second base DN of the source (issue 13: several base DNs). */
let ekbOu = '';
/** Every log line the service writes while the test runs (its logger redirected here). */
const logLines: string[] = [];

/** Redirects the service's logger (level debug) into {@link logLines}: request loggers are its children. */
function captureLogs(ctx: TestContext) {
  const logger = ctx.services.logger as unknown as Record<symbol, unknown> & { level: string };
  logger[pino.symbols.streamSym] = { write: (line: string) => logLines.push(line) };
  logger.level = 'debug';
}

/** A react-admin input by its source (the form field's name). */
const input = (target: Page, source: string) =>
  target.locator(`:is(input, textarea)[name="${source}"]`);

/** Fills a react-admin input by its source. */
async function fill(target: Page, source: string, value: string) {
  await input(target, source).fill(value);
}

/** Reloads a run's page until its status chip says `status`. */
async function waitForRunStatus(target: Page, status: string) {
  await expect
    .poll(
      async () => {
        await target.reload();
        const chip = target.getByTestId('run-status').first();
        await chip.waitFor();
        return chip.textContent();
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(status);
}

describe('connection test messages of the console', () => {
  it('every code the service answers has its English (the service’s own) and Russian text', () => {
    const en: Record<string, string> = appEn.app.sources.test.code;
    // ru.ts is typed as the English messages (same keys), and imports en.ts without an
    // extension (the console's bundler resolution): its texts are read from the file.
    const ruFile = readFileSync(new URL('../../admin-ui/src/i18n/ru.ts', import.meta.url), 'utf8');
    const ruCodes = ruFile.slice(
      ruFile.indexOf('        code: {', ruFile.indexOf('    sources: {')),
    );
    const ru: Record<string, string> = Object.fromEntries(
      Object.keys(CONNECTION_TEST_MESSAGES).map((code) => {
        const found = ruCodes.match(new RegExp(`\\n {10}${code}:\\s*'((?:[^'\\\\]|\\\\.)*)'`));
        return [code, found?.[1] ?? ''];
      }),
    );
    for (const [code, english] of Object.entries(CONNECTION_TEST_MESSAGES)) {
      expect(en[code], code).toBe(english.replace(/\{(\w+)\}/g, '%{$1}'));
      expect(ru[code], code).toMatch(/[А-Яа-яЁё]/);
      const placeholders = (text: string | undefined) =>
        [...(text ?? '').matchAll(/%\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(ru[code]), code).toEqual(placeholders(en[code]));
    }
  });
});

describe.runIf(RUN)('directory sources in the console, against Samba AD, in a real browser', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    dc = await startSambaDc();
    typedPassword = dc.adminPassword;
    staffOu = await addOu(dc, 'Staff');
    ekbOu = await addOu(dc, 'Yekaterinburg');
    await addPeople(dc, [
      {
        name: 'kuznetsova',
        parent: ekbOu,
        givenName: 'Анна',
        sn: 'Кузнецова',
        department: 'Отдел продаж',
        employeeID: 'E-4',
      },
      {
        name: 'ivanov',
        parent: staffOu,
        givenName: 'Иван',
        sn: 'Иванов',
        mail: 'ivanov@corp.example.test',
        department: 'Бухгалтерия',
        title: 'Бухгалтер',
        employeeID: 'E-1',
      },
      {
        name: 'petrova',
        parent: staffOu,
        givenName: 'Мария',
        sn: 'Петрова',
        mail: 'petrova@corp.example.test',
        department: 'Отдел эксплуатации',
        title: 'Инженер',
        employeeID: 'E-2',
      },
      {
        name: 'sidorov',
        parent: staffOu,
        givenName: 'Олег',
        sn: 'Сидоров',
        department: 'Бухгалтерия',
        employeeID: 'E-3',
      },
    ]);
    context = await startTestContext({
      jobs: { enabled: false },
      // Two superadmins act here; dual control is tested in test/configChanges and test/ui/configChanges.test.ts.
      dualControl: { enabled: false },
    });
    captureLogs(context);
    browser = await launchChromium();
    await backofficePerson(context, 'superadmin', { username: 'adroot', familyName: 'Корнеев' });
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await context?.close();
    await dc?.close();
  });

  it('a superadmin creates an AD source, tests it, dry-runs and applies it; the password never comes back', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'adroot', password: GOOD_PASSWORD });

    // The empty list offers to create a source.
    await page.goto(`${context.baseUrl}/admin/#/directory-sources`);
    const create = page.getByRole('link', { name: 'Создать' }).first();
    await create.waitFor();
    await shot(page, 'src-01-empty-sources-ru');
    await create.click();
    await page.locator('[name="connection.url"]').waitFor();
    await shot(page, 'src-02-create-form-ru');

    await fill(page, 'id', SOURCE);
    await fill(page, 'name', 'Корпоративный AD');
    // A URL without a scheme: the server's field error shows under the URL field.
    await fill(page, 'connection.url', dc.address);
    // The DC's CA pasted as PEM text, as an administrator without the server's files does.
    await fill(page, 'connection.tls.ca', readFileSync(dc.caFile, 'utf8'));
    await fill(page, 'connection.bindDn', dc.adminDn);
    await fill(page, 'bindPassword', typedPassword);
    // Two base DNs, the second (by mistake) inside the first: refused under that row.
    await fill(page, 'baseDnRows.0.dn', staffOu);
    await page.locator('.button-add-baseDnRows').click();
    await fill(page, 'baseDnRows.1.dn', `OU=IT,${staffOu}`);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    // The helper text of an input (its aria-describedby): rows of an ArrayInput sit inside the
    // array's own form control, so "the form control holding the input" would match both.
    const errorUnder = async (source: string) => {
      const helper = await input(page, source).getAttribute('aria-describedby');
      return page.locator(`[id="${helper}"]`).textContent();
    };
    await expect.poll(() => errorUnder('connection.url')).toMatch(/ldap:\/\/сервер/);
    await expect.poll(() => errorUnder('baseDnRows.1.dn')).toMatch(/Вложен в/);
    await shot(page, 'src-03-field-error-ru');

    await fill(page, 'connection.url', dc.ldapsUrl);
    await fill(page, 'baseDnRows.1.dn', ekbOu);
    // The password field keeps what was typed for this form only; type it again to be sure.
    await fill(page, 'bindPassword', typedPassword);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    const state = page.getByTestId('source-password');
    await state.waitFor();
    expect(await state.textContent()).toMatch(/^Пароль задан /);
    await shot(page, 'src-04-source-created-ru');

    // The connection test: every step, then the preview through the mapping.
    await page.getByRole('button', { name: 'Проверить подключение' }).click();
    const steps = page.getByTestId('connection-test-steps');
    await steps.waitFor();
    for (const step of ['dns', 'tcp', 'tls', 'bind', 'base_dn', 'filter', 'mapping'])
      expect(await steps.locator(`tr[data-step="${step}"]`).getAttribute('data-ok')).toBe('true');
    await steps.getByText(`Вход выполнен как ${dc.adminDn}`).waitFor();
    await steps.getByText(`Все базовые DN (2) существуют: ${staffOu}; ${ekbOu}`).waitFor();
    const preview = page.getByTestId('connection-test-preview');
    await preview.getByText('ivanov', { exact: true }).waitFor();
    await preview.getByText('petrova@corp.example.test').waitFor();
    await preview.getByText('kuznetsova', { exact: true }).waitFor();
    await shot(page, 'src-05-connection-test-ru');
    await page.getByRole('dialog').getByRole('button', { name: 'Закрыть' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    // A dry run: its plan creates the four people of both base DNs.
    await runAction(page, 'Пробный запуск');
    await page.getByTestId('run-status').first().waitFor();
    await waitForRunStatus(page, 'План готов');
    const plan = page.getByTestId('plan');
    await plan.getByText('Петрова').first().waitFor();
    await plan.getByText('Кузнецова').first().waitFor();
    await expect.poll(() => plan.locator('tbody tr').count()).toBe(4);
    await shot(page, 'src-06-dry-run-plan-ru');
    const synced = await context.services.pool.query(`select 1 from app_user where source = 'ad'`);
    expect(synced.rowCount).toBe(0);

    // Apply: a full run from the source's card.
    await page.goto(`${context.baseUrl}/admin/#/directory-sources/${SOURCE}/show`);
    await runAction(page, 'Полная синхронизация');
    await page.getByTestId('run-status').first().waitFor();
    await waitForRunStatus(page, 'Успешно');
    await shot(page, 'src-07-applied-ru');
    expect(await searchPeople(page, context, 'Петрова', 'Петрова')).toBe(1);
    await shot(page, 'src-08-people-created-ru');

    // The password is not readable back: source, list, runs, audit events, log lines.
    const { api } = await signedIn(context, 'superadmin');
    const answers: string[] = [];
    const read = async (client: ApiClient, path: string) => {
      const response = await client.request('GET', path);
      expect(response.status, response.text).toBe(200);
      answers.push(response.text);
      return response.body as { data?: { id: string }[] };
    };
    await read(api, `/api/v1/directory-sources/${SOURCE}`);
    await read(api, '/api/v1/directory-sources');
    const runs = await read(api, `/api/v1/sync-runs?sourceId=${SOURCE}`);
    for (const run of runs.data ?? []) {
      await read(api, `/api/v1/sync-runs/${run.id}`);
      await read(api, `/api/v1/sync-runs/${run.id}/plan`);
    }
    const audit = await read(api, '/api/v1/audit-events?limit=200');
    expect(audit.data?.length).toBeGreaterThan(0);
    for (const event of audit.data ?? []) await read(api, `/api/v1/audit-events/${event.id}`);
    const stored = await context.services.pool.query<{ text: string }>(
      `select row_to_json(a)::text as text from audit_event a`,
    );
    const everything = [...answers, ...stored.rows.map((row) => row.text), ...logLines];
    expect(answers.join('\n')).toContain('"bindPasswordSet":true');
    expect(logLines.length).toBeGreaterThan(0);
    for (const text of everything) expect(text).not.toContain(typedPassword);
  });

  it('the edit form never shows the password; a change of name keeps it, "clear" clears it, typing sets it again', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const state = page.getByTestId('source-password');
    const save = async () => {
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await state.waitFor();
    };
    const edit = async () => {
      await page.goto(`${context.baseUrl}/admin/#/directory-sources/${SOURCE}`);
      await input(page, 'bindPassword').waitFor();
      await page
        .getByTestId('bind-password-state')
        .getByText(/^Пароль задан /)
        .waitFor();
      expect(await input(page, 'bindPassword').inputValue()).toBe('');
    };

    await edit();
    // Both base DNs come back into their rows.
    expect(await input(page, 'baseDnRows.0.dn').inputValue()).toBe(staffOu);
    expect(await input(page, 'baseDnRows.1.dn').inputValue()).toBe(ekbOu);
    await fill(page, 'name', 'Корпоративный AD (Москва)');
    await shot(page, 'src-09-edit-form-ru');
    await save();
    await page.getByText('Корпоративный AD (Москва)').first().waitFor();
    expect(await state.textContent()).toMatch(/^Пароль задан /);

    await edit();
    await page.getByLabel('Очистить сохранённый пароль').check();
    expect(await input(page, 'bindPassword').isDisabled()).toBe(true);
    await save();
    await expect.poll(() => state.textContent()).toBe('Пароль не задан');
    await shot(page, 'src-10-password-cleared-ru');

    await page.goto(`${context.baseUrl}/admin/#/directory-sources/${SOURCE}`);
    await page.getByTestId('bind-password-state').getByText('Пароль не задан').waitFor();
    await fill(page, 'bindPassword', typedPassword);
    await save();
    await expect.poll(() => state.textContent()).toMatch(/^Пароль задан /);
    for (const line of logLines) expect(line).not.toContain(typedPassword);
  });

  it('shows read-only, with the note that it is defined in the configuration file', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const fileContext = await startTestContext({
      jobs: { enabled: false },
      directorySources: [
        {
          id: 'file-ad',
          kind: 'active-directory',
          url: 'ldaps://dc1.corp.example.test',
          bindDn: 'CN=svc,DC=corp',
          bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_FILE_AD',
          baseDn: 'DC=corp',
        },
      ],
    });
    const filePage = await newPage(browser, 'ru');
    try {
      await backofficePerson(fileContext, 'superadmin', {
        username: 'fileroot',
        familyName: 'Файлов',
      });
      await uiLogin(filePage, fileContext, { username: 'fileroot', password: GOOD_PASSWORD });
      await filePage.goto(`${fileContext.baseUrl}/admin/#/directory-sources/file-ad/show`);
      await filePage.getByTestId('config-source').getByText('Задан в файле конфигурации').waitFor();
      await filePage.getByRole('button', { name: 'Проверить подключение' }).waitFor();
      expect(await filePage.getByRole('link', { name: 'Редактировать' }).count()).toBe(0);
      await shot(filePage, 'src-11-config-source-ru');
      await filePage.goto(`${fileContext.baseUrl}/admin/#/directory-sources/file-ad`);
      await filePage.getByTestId('config-source').waitFor();
      expect(await filePage.locator('input[name="connection.url"]').count()).toBe(0);
    } finally {
      await filePage.close();
      await fileContext.close();
    }
  });
});
