import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import { backofficePerson, GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { sync } from '../sources/support.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  addLdapPerson,
  type LdapPerson,
  ldapPersonDn,
  type OpenLdap,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { BROWSER_TEST_MS, DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';
import { dataWords, describeFindings, languageFindings } from './language.ts';

/**
 * Issue 16: a sync run's «Примечание» column in Russian, against a real OpenLDAP in Chromium. A
 * refused entry, dropped values and blocked deactivations read in Russian, with no English, key
 * or raw code on the page; an item recorded before notes had codes shows its English marked as
 * an older version's. A person the source deactivated then reads why, in Russian, in their
 * status history (the notes are stored with the status change).
 */

const RUN = browserAvailable() && slapdAvailable;
const SOURCE = 'ui-notes';
const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_UI_NOTES';

const PEOPLE: LdapPerson[] = [
  { uid: 'obychnaya', sn: 'Обычная', givenName: 'Анна' },
  { uid: 'telefonov', sn: 'Телефонов', telephoneNumber: '12-34' },
  // Refused: a control character in the employee number. Nobody is created for it, so its login
  // and its value are data the database does not hold.
  { uid: 'nomerov', sn: 'Номеров', employeeNumber: 'E-\u00072' },
  { uid: 'vera', sn: 'Верина' },
  { uid: 'gleb', sn: 'Глебов' },
];
const GONE = ['obychnaya', 'telefonov', 'vera', 'gleb'];

describe.runIf(RUN)('plan notes in Russian on the sync run page, in a real browser', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let first: RunView;
  let held: RunView;

  const notesOf = (login: string) =>
    page.getByTestId('plan').locator('tr', { hasText: login }).getByTestId('plan-notes');
  const openRun = async (run: RunView) => {
    await page.goto(`${context.baseUrl}/admin/#/sync-runs/${run.id}/show`);
    await page.getByTestId('plan').getByTestId('plan-notes').first().waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined);
  };
  /**
   * What the page says in the notes column and the run's alerts (why it failed or is held) that
   * a Russian console must not. The rest of the page (the diff's field names, the pager) is
   * issue 16's wording review, checked by its own tests.
   */
  const expectRussianNotes = async (screen: string) => {
    const data = new Set([...(await dataWords(context)), 'nomerov', 'e-\\u00072']);
    const scope = (
      await page.locator('[data-testid="plan-notes"], [role="alert"]').allTextContents()
    ).join('\n');
    const findings = (await languageFindings(page, 'ru', data)).filter((finding) =>
      scope.includes(finding.in),
    );
    expect(findings, describeFindings(screen, findings)).toEqual([]);
  };

  beforeAll(async () => {
    ensureAdminUiBuilt();
    ldap = await startOpenLdap();
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    for (const person of PEOPLE) await addLdapPerson(ldap, person);
    context = await startTestContext({
      jobs: { enabled: false },
      // Two superadmins act here; dual control is tested in test/configChanges and test/ui/configChanges.test.ts.
      dualControl: { enabled: false },
    });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Каталог OpenLDAP',
        enabled: false,
        connection: {
          kind: 'ldap',
          url: ldap.url,
          allowPlain: true,
          bindDn: ldap.rootDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: ldap.peopleDn,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    first = await sync(api, SOURCE, 'full');
    expect(first.counts).toMatchObject({ create: 4, conflict: 1 });
    await ldap.asRoot(async (client) => {
      for (const uid of GONE) await client.del(ldapPersonDn(uid));
    });
    // One entry of the four managed is left: the deactivations are held back.
    held = await sync(api, SOURCE, 'full');
    expect(held.counts).toMatchObject({ deactivate: 4, blocked: 4 });
    browser = await launchChromium();
    await backofficePerson(context, 'superadmin', {
      username: 'notes.root',
      familyName: 'Заметкин',
    });
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('a refused entry and a dropped phone read in Russian', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    page = await newPage(browser, 'ru');
    await uiLogin(page, context, { username: 'notes.root', password: GOOD_PASSWORD });
    await openRun(first);
    await notesOf('nomerov')
      .getByText(
        'Поле «табельный номер» («E-\\u00072») содержит управляющие символы — запись не синхронизируется',
      )
      .waitFor();
    await notesOf('telefonov').getByText('Телефон «12-34» не распознан и не перенесён').waitFor();
    await notesOf('telefonov').getByText('Применено').waitFor();
    await shot(page, 'plan-notes-01-refused-ru');
    await expectRussianNotes('the first run');
  });

  it('blocked deactivations say why in Russian', { timeout: BROWSER_TEST_MS }, async () => {
    await openRun(held);
    for (const login of GONE) {
      await notesOf(login).getByText('Не найден в источнике').waitFor();
      await notesOf(login)
        .getByText(
          'Удержано: источник вернул записей: 1 — меньше 50% от 4 сотрудников, которых он ведёт',
        )
        .waitFor();
    }
    await shot(page, 'plan-notes-02-blocked-ru');
    await expectRussianNotes('the held run');
  });

  it('an item recorded before notes had codes shows its English, marked as such', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    await context.services.pool.query(
      `update sync_plan_item set notes = null, blocked_note = null where run_id = $1`,
      [held.id],
    );
    // The page shows this run already: read the plan again.
    await page.reload();
    await openRun(held);
    const notes = notesOf('vera');
    await notes.getByText('not found in the source').waitFor();
    await expect
      .poll(() => notes.getByTestId('plan-note-legacy').allTextContents())
      .toEqual([
        ' (записано прежней версией, без перевода)',
        ' (записано прежней версией, без перевода)',
      ]);
    await shot(page, 'plan-notes-03-legacy-ru');
  });

  it("a person's status history says in Russian why the source deactivated them", {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    // A new run (the last one's notes were wiped above), with nothing held back this time.
    const patched = await api.request('PATCH', `/api/v1/directory-sources/${SOURCE}`, {
      body: {
        thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 100 },
      },
    });
    expect(patched.status, patched.text).toBe(200);
    const applied = await sync(api, SOURCE, 'full');
    expect(applied.counts).toMatchObject({ deactivate: 4, blocked: 0 });
    const { rows } = await context.services.pool.query<{ id: string; status: string }>(
      `select id, status from app_user where username = 'vera'`,
    );
    expect(rows[0]?.status).toBe('deactivated');
    await page.goto(`${context.baseUrl}/admin/#/users/${rows[0]?.id}/show`);
    const history = page.getByTestId('status-history');
    // The plan item's reason, from its codes: no English line inside the Russian sentence.
    await history
      .locator('tbody tr', {
        hasText: `Источник каталога «${SOURCE}»: Не найден в источнике`,
      })
      .waitFor();
    await shot(page, 'plan-notes-04-status-history-ru');
    const data = await dataWords(context);
    const text = (await history.allTextContents()).join('\n');
    const findings = (await languageFindings(page, 'ru', data)).filter((finding) =>
      text.includes(finding.in),
    );
    expect(findings, describeFindings('the status history', findings)).toEqual([]);
  });
});
