import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice, runAction } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

/*
 * Dual control in the console (issue 18, scope 3), in Chromium and in Russian: one superadmin
 * asks (through the API) to rename a directory source; the other finds the request on
 * «Изменения настроек», reads it in words and approves it; the source is renamed only then.
 */

const SOURCE = 'dual-ui';

describe.runIf(browserAvailable())('dual control of a directory source in a real browser', () => {
  let context: TestContext;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin', { familyName: 'Первова' }));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Каталог Самара',
        connection: {
          kind: 'ldap',
          url: 'ldaps://ldap.samara.example.test',
          bindDn: 'cn=svc,dc=samara',
          bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_SAMARA',
          baseDn: 'dc=samara',
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    await backofficePerson(context, 'superadmin', { username: 'dualroot', familyName: 'Вторых' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await context?.close();
  });

  it('a second superadmin approves a pending rename', { timeout: BROWSER_TEST_MS }, async () => {
    const asked = await api.request<{ id: string }>(
      'PATCH',
      `/api/v1/directory-sources/${SOURCE}`,
      { body: { name: 'Каталог Самара и область' } },
    );
    expect(asked.status, asked.text).toBe(202);

    page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'dualroot', password: GOOD_PASSWORD });
    await page.goto(`${context.baseUrl}/admin/#/directory-sources/${SOURCE}`);
    await page
      .getByTestId('dual-control-notice')
      .getByText(/после подтверждения другим суперадминистратором/)
      .waitFor();

    await page.goto(`${context.baseUrl}/admin/#/config-changes`);
    const row = page.getByTestId('config-change-list').locator('tbody tr', {
      hasText: 'Изменение: источник каталога «Каталог Самара»',
    });
    await row.getByText('Ожидает подтверждения').waitFor();
    await shot(page, 'config-changes-01-pending-ru');
    await row.click();
    await page
      .getByTestId('change-sentence')
      .getByText('просит изменить источник каталога «Каталог Самара».', { exact: false })
      .waitFor();
    await page.getByTestId('diff').getByText('Каталог Самара', { exact: true }).waitFor();
    await shot(page, 'config-changes-02-request-ru');
    await runAction(page, 'Подтвердить');
    await expectNotice(page, /Изменение подтверждено и применено/);
    const source = await api.request<{ name: string }>(
      'GET',
      `/api/v1/directory-sources/${SOURCE}`,
    );
    expect(source.body.name).toBe('Каталог Самара и область');
    const change = await api.request<{ status: string; decidedBy: string }>(
      'GET',
      `/api/v1/config-changes/${asked.body.id}`,
    );
    expect(change.body).toMatchObject({ status: 'applied', decidedBy: 'dualroot' });
  });
});
