import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { peopleOf, planOf, sync } from '../sources/support.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople, type BulkPerson, deleteEntry } from '../support/sambaPeople.ts';
import { BROWSER_TEST_MS, DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { expectNotice } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

/**
 * Reconnection in the console (issue 13), against Samba AD in Chromium: the source form's
 * «Повторное подключение» setting, and a re-created AD account (same login and e-mail, another
 * employee number) proposed in a dry run's plan, linked by an admin's click, and relinked to the
 * same person, active again, by the next full sync; another one decided a new person, created by
 * the next full sync with the login and e-mail the former person releases.
 */

const RUN = browserAvailable() && sambaAvailable;
const SOURCE = 'ui-reconnect';
const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_UI_RECONNECT';

describe.runIf(RUN)('reconnection in the console, against Samba AD, in a real browser', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let staff = '';
  const person = (employeeID: string): BulkPerson => ({
    name: 'rehire',
    parent: staff,
    givenName: 'Анна',
    sn: 'Возвращенцева',
    mail: 'rehire@corp.example.test',
    employeeID,
  });
  const source = async () => {
    const response = await api.request<{ reconnect: string }>(
      'GET',
      `/api/v1/directory-sources/${SOURCE}`,
    );
    expect(response.status, response.text).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    ensureAdminUiBuilt();
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    staff = await addOu(dc, 'Staff');
    context = await startTestContext({
      jobs: { enabled: false },
      // Two superadmins act here; dual control is tested in test/configChanges and test/ui/configChanges.test.ts.
      dualControl: { enabled: false },
    });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Samba AD (повторное подключение)',
        enabled: false,
        connection: {
          kind: 'active-directory',
          url: dc.url,
          allowPlain: true,
          bindDn: dc.adminDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: staff,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
        // The only person leaves: no approval in this test.
        thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 100 },
      },
    });
    expect(created.status, created.text).toBe(201);
    browser = await launchChromium();
    await backofficePerson(context, 'superadmin', { username: 'reroot', familyName: 'Связев' });
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('the source form sets «Повторное подключение», sent only when changed', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'reroot', password: GOOD_PASSWORD });
    const patches: Record<string, unknown>[] = [];
    page.on('request', (request: Request) => {
      if (request.method() === 'PATCH' && request.url().includes('/directory-sources/'))
        patches.push(request.postDataJSON() as Record<string, unknown>);
    });
    const edit = async () => {
      await page.goto(`${context.baseUrl}/admin/#/directory-sources/${SOURCE}`);
      await page.locator('input[name="reconnect"]').waitFor({ state: 'attached' });
    };
    const save = async () => {
      const before = patches.length;
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await expect.poll(() => patches.length).toBe(before + 1);
      await page.getByTestId('source-password').waitFor();
    };
    const select = () => page.getByRole('combobox', { name: 'Повторное подключение' });

    await edit();
    expect(await page.locator('input[name="reconnect"]').inputValue()).toBe('employeeId');
    await expect.poll(() => select().textContent()).toBe('По табельному номеру');
    await page.getByText(/^Как пересозданная учётная запись/).waitFor();
    await shot(page, 'reconnect-01-form-ru');

    // A change of name alone does not send the setting.
    await page.locator('input[name="name"]').fill('Samba AD (Москва)');
    await save();
    expect(patches.at(-1)).toMatchObject({ name: 'Samba AD (Москва)' });
    expect(patches.at(-1)).not.toHaveProperty('reconnect');

    await edit();
    await select().click();
    await page.getByRole('option', { name: 'Никогда' }).click();
    await save();
    expect(patches.at(-1)).toEqual({ reconnect: 'never' });
    expect((await source()).reconnect).toBe('never');

    await edit();
    await expect.poll(() => select().textContent()).toBe('Никогда');
    await select().click();
    await page.getByRole('option', { name: 'По табельному номеру' }).click();
    await save();
    expect(patches.at(-1)).toEqual({ reconnect: 'employeeId' });
    expect((await source()).reconnect).toBe('employeeId');
  });

  it('a re-created account is proposed in the plan; «Связать с этим человеком» makes the next full sync relink and reactivate the same person', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    // Someone stays: a read with nobody in it would be held as an empty directory.
    const stays: BulkPerson = { ...person('E-1'), name: 'stays', mail: 'stays@corp.example.test' };
    const [firstDn] = await addPeople(dc, [person('E-100'), stays]);
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    const byLogin = async (login: string) =>
      (await peopleOf(context.services, SOURCE)).filter((p) => p.username === login);
    const [original] = await byLogin('rehire');
    expect(original).toMatchObject({ username: 'rehire', status: 'active' });
    const userId = original?.id ?? '';

    await deleteEntry(dc, firstDn ?? '');
    const gone = await sync(api, SOURCE, 'full');
    expect(gone.status, gone.error ?? '').toBe('succeeded');
    expect(gone.counts).toMatchObject({ deactivate: 1, blocked: 0 });
    expect((await byLogin('rehire'))[0]?.status).toBe('deactivated');

    // The same login and e-mail, another employee number: proposed, not linked.
    await addPeople(dc, [person('E-101')]);
    const dry = await sync(api, SOURCE, 'dry-run');
    expect(dry.status, dry.error ?? '').toBe('planned');
    expect(dry.counts).toMatchObject({ conflict: 1 });

    await page.goto(`${context.baseUrl}/admin/#/sync-runs/${dry.id}/show`);
    const proposal = page.getByTestId('plan').getByTestId('plan-proposal');
    await proposal.getByText(/^Возможно, тот же человек: rehire \(деактивирован /).waitFor();
    await shot(page, 'reconnect-02-proposal-ru');
    await proposal.getByRole('button', { name: 'Связать с этим человеком' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/^Следующий запуск синхронизации источника привяжет/).waitFor();
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expectNotice(page, 'Решение сохранено: следующий запуск привяжет запись к rehire');
    await proposal
      .getByTestId('plan-decision')
      .getByText('Решение сохранено: следующий запуск привяжет запись к rehire')
      .waitFor();
    await shot(page, 'reconnect-03-linked-ru');
    const decided = await context.services.pool.query<{ decision: string; user_id: string }>(
      'select decision, user_id from sync_reconnect_decision where source_id = $1',
      [SOURCE],
    );
    expect(decided.rows).toEqual([{ decision: 'link', user_id: userId }]);

    // The next full sync relinks and reactivates the same person.
    const next = await sync(api, SOURCE, 'full');
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(next.counts).toMatchObject({ reactivate: 1, conflict: 0, create: 0 });
    const plan = await planOf(api, next.id);
    expect(plan.find((line) => line.action === 'reactivate')?.userId).toBe(userId);
    const user = await api.request<{ id: string; status: string; username: string }>(
      'GET',
      `/api/v1/users/${userId}`,
    );
    expect(user.status, user.text).toBe(200);
    expect(user.body).toMatchObject({ id: userId, status: 'active', username: 'rehire' });
    const people = await byLogin('rehire');
    expect(people).toHaveLength(1);
    expect(people[0]?.external_id).not.toBe(original?.external_id);
  });

  it('«Создать нового человека»: the next full sync creates a new person with the login and e-mail the former person releases', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const namesake = (employeeID: string): BulkPerson => ({
      ...person(employeeID),
      name: 'namesake',
      mail: 'namesake@corp.example.test',
    });
    const [firstDn] = await addPeople(dc, [namesake('E-200')]);
    expect((await sync(api, SOURCE, 'full')).status).toBe('succeeded');
    const [former] = (await peopleOf(context.services, SOURCE)).filter(
      (p) => p.username === 'namesake',
    );
    expect(former).toMatchObject({ status: 'active' });
    await deleteEntry(dc, firstDn ?? '');
    expect((await sync(api, SOURCE, 'full')).counts).toMatchObject({ deactivate: 1 });

    // Someone else now, with the same login and e-mail.
    await addPeople(dc, [namesake('E-201')]);
    const dry = await sync(api, SOURCE, 'dry-run');
    expect(dry.counts).toMatchObject({ conflict: 1 });
    await page.goto(`${context.baseUrl}/admin/#/sync-runs/${dry.id}/show`);
    const proposal = page.getByTestId('plan').getByTestId('plan-proposal');
    await proposal.getByText(/^Возможно, тот же человек: namesake \(деактивирован /).waitFor();
    await proposal.getByRole('button', { name: 'Создать нового человека' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/сохраняет свою историю и учётную запись в мессенджере/).waitFor();
    await dialog.getByText(/логин и почта перейдут к нему от namesake/).waitFor();
    await shot(page, 'reconnect-04-create-confirm-ru');
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    const saved =
      'Решение сохранено: следующий запуск создаст нового человека, namesake освободит логин и почту';
    await expectNotice(page, saved);
    await proposal.getByTestId('plan-decision').getByText(saved).waitFor();
    const decided = await context.services.pool.query<{ decision: string }>(
      'select decision from sync_reconnect_decision where source_id = $1 and user_id = $2',
      [SOURCE, former?.id],
    );
    expect(decided.rows).toEqual([{ decision: 'create' }]);

    const next = await sync(api, SOURCE, 'full');
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(next.counts).toMatchObject({ create: 1, conflict: 0 });
    const [created] = (await peopleOf(context.services, SOURCE)).filter(
      (p) => p.username === 'namesake',
    );
    expect(created).toMatchObject({ status: 'active', email: 'namesake@corp.example.test' });
    expect(created?.id).not.toBe(former?.id);
    const formerNow = await api.request<{ status: string; username: string | null }>(
      'GET',
      `/api/v1/users/${former?.id}`,
    );
    expect(formerNow.status, formerNow.text).toBe(200);
    expect(formerNow.body).toMatchObject({ status: 'deactivated', username: null });

    // The plan says what was released, and the former person's card still opens.
    await page.goto(`${context.baseUrl}/admin/#/sync-runs/${next.id}/show`);
    await page
      .getByTestId('plan')
      .getByText(/освобождены? сотрудником namesake/)
      .waitFor();
    await page.goto(`${context.baseUrl}/admin/#/users/${former?.id}/show`);
    await page.getByText('Возвращенцева', { exact: false }).first().waitFor();
    await shot(page, 'reconnect-05-former-card-ru');
  });
});
