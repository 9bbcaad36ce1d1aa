import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { type MemoryDirectory, sourcePerson } from '../sources/memoryDirectory.ts';
import { defineSource, memoryDirectories, peopleOf, sync } from '../sources/support.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BROWSER_TEST_MS } from '../support/timeouts.ts';
import { expectNotice, hasButton } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

/**
 * Deleting a directory source in the console (issue 13), in Chromium: the button is on API
 * sources for a superadmin only (not on config sources, not for an admin); its dialog says what
 * happens to the people; an enabled source is refused with the reason in Russian; a disabled
 * one is deleted and its people are released (the engine reads an in-memory directory).
 */

const CONFIG_SOURCE = {
  id: 'ui-config-source',
  kind: 'active-directory',
  url: 'ldaps://dc1.corp.example.test',
  bindDn: 'CN=svc,DC=corp',
  bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_UI_CONFIG',
  baseDn: 'DC=corp',
};

describe.runIf(browserAvailable())('deleting a directory source in a real browser', () => {
  let context: TestContext;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let directories: Map<string, MemoryDirectory>;
  let sourceId = '';

  beforeAll(async () => {
    ensureAdminUiBuilt();
    context = await startTestContext({
      jobs: { enabled: false },
      directorySources: [CONFIG_SOURCE],
      // Two superadmins act here; dual control is tested in test/configChanges and test/ui/configChanges.test.ts.
      dualControl: { enabled: false },
    });
    directories = memoryDirectories(context.services);
    ({ api } = await signedIn(context, 'superadmin'));
    const source = await defineSource(api, directories);
    sourceId = source.id;
    source.directory.put(sourcePerson(), sourcePerson());
    expect((await sync(api, sourceId)).counts).toMatchObject({ create: 2 });
    browser = await launchChromium();
    await backofficePerson(context, 'superadmin', { username: 'delroot', familyName: 'Удалов' });
    await backofficePerson(context, 'admin', { username: 'deladmin', familyName: 'Админов' });
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
  });

  const openSource = async (target: Page, id: string) => {
    await target.goto(`${context.baseUrl}/admin/#/directory-sources/${id}/show`);
    await target.getByText(id).first().waitFor();
  };

  it('an admin sees no delete button', { timeout: BROWSER_TEST_MS }, async () => {
    const admin = await newPage(browser, 'en');
    try {
      await uiLogin(admin, context, { username: 'deladmin', password: GOOD_PASSWORD });
      await openSource(admin, sourceId);
      await admin.getByRole('button', { name: 'Dry run' }).first().waitFor();
      expect(await hasButton(admin, 'Delete source')).toBe(false);
    } finally {
      await admin.close();
    }
  });

  it('a superadmin: no button on a config source; the dialog explains; enabled is refused; disabled is deleted', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'delroot', password: GOOD_PASSWORD });
    await openSource(page, CONFIG_SOURCE.id);
    await page.getByTestId('config-source').waitFor();
    expect(await hasButton(page, 'Удалить источник')).toBe(false);

    await openSource(page, sourceId);
    await page.getByRole('button', { name: 'Удалить источник' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByText(/НЕ деактивируются и не удаляются: они переходят на ручное/).waitFor();
    await dialog.getByTestId('delete-source-enabled').waitFor();
    await shot(page, 'delete-source-01-dialog-ru');
    await dialog.getByRole('button', { name: 'Удалить' }).click();
    await expectNotice(page, /Сначала выключите источник/);
    expect(await peopleOf(context.services, sourceId)).toHaveLength(2);
    await dialog.getByRole('button', { name: /Отмена/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    const disabled = await api.request('PATCH', `/api/v1/directory-sources/${sourceId}`, {
      body: { enabled: false },
    });
    expect(disabled.status, disabled.text).toBe(200);
    await page.reload();
    await page.getByRole('button', { name: 'Удалить источник' }).click();
    await dialog.waitFor();
    expect(await dialog.getByTestId('delete-source-enabled').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Удалить' }).click();
    await expectNotice(page, /Источник удалён; на ручное управление переведено сотрудников: 2/);
    await page.getByTestId('sources').waitFor();
    await expect.poll(() => page.getByTestId('sources').textContent()).not.toContain(sourceId);
    await shot(page, 'delete-source-02-deleted-ru');
    expect(await peopleOf(context.services, sourceId)).toEqual([]);
    const response = await api.request('GET', `/api/v1/directory-sources/${sourceId}`);
    expect(response.status).toBe(404);
  });
});
