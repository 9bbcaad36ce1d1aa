import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { drainInvitationBatches } from '../../server/identity/invitations/bulkInvite.ts';
import { hashPassword } from '../../server/identity/passwords.ts';
import { MailWorker } from '../../server/mail/worker.ts';
import { backofficePerson, codeFor, GOOD_PASSWORD, secretOf } from '../identity/loginFlow.ts';
import { startMessenger, verifyMessenger } from '../identity/messengerFlow.ts';
import { createPerson, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { mailConfigFor, startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import {
  BROWSER_TEST_MS,
  BROWSER_WAIT_MS,
  BULK_INVITATION_MS,
  BULK_TEST_MS,
  MAIL_DELIVERY_MS,
  SMTP_ANSWER_MS,
  waitUntil,
} from '../support/timeouts.ts';
import { expectNotice, hasButton, openUser } from './actions.ts';
import {
  browserAvailable,
  ensureAdminUiBuilt,
  launchChromium,
  newPage,
  shot,
  uiLogin,
} from './browser.ts';

/*
 * Issue 14, "Done when", in Chromium with mail pointed at a real SMTP server on loopback: an
 * admin creates an employee in the console and invites them from the card; the employee reads
 * the mail, opens its link in a browser of their own, registers and logs in to the messenger;
 * the admin's card then says «Зарегистрирован». And a bulk invitation of 1,000 people of a
 * filtered list runs as a job with a progress bar and a per-person result.
 */

const RUN = browserAvailable();
/** The public URL the mails carry (a reverse proxy in production); the browser is routed to the test server. */
const PUBLIC_URL = 'https://admin.corp.example';

let smtp: TestSmtpServer;
let context: TestContext;
let browser: Browser;
let worker: MailWorker;
let admin: User;
/** A staff member appointed before registering: the registration page enrols their second factor. */
let staff: User;
/** The admin's console tab, signed in once (a second sign-in in the same 30 s would replay the code). */
let adminTab: Page | undefined;

/** A new browser context whose requests to the public URL reach the service under test. */
async function publicPage(locale: 'ru' | 'en'): Promise<Page> {
  const page = await newPage(browser, locale);
  await page.context().route(`${PUBLIC_URL}/**`, async (route) => {
    const url = route.request().url().replace(PUBLIC_URL, context.baseUrl);
    const response = await route.fetch({ url });
    await route.fulfill({ response });
  });
  return page;
}

/** The admin's console tab, signed in with TOTP (enrolled at the first sign-in). */
async function adminPage(): Promise<Page> {
  if (adminTab) return adminTab;
  const page = await newPage(browser, 'ru');
  await uiLogin(page, context, { username: admin.username as string, password: GOOD_PASSWORD });
  adminTab = page;
  return page;
}

/** The invitation chip on the card. */
function invitationChip(page: Page) {
  return page.getByTestId('invitation').locator('.MuiChip-label');
}

describe.runIf(RUN)('invitations in a real browser, with real mail', () => {
  beforeAll(async () => {
    ensureAdminUiBuilt();
    smtp = await startSmtpServer();
    context = await startTestContext(
      {
        mail: mailConfigFor(smtp, SMTP_ANSWER_MS),
        http: { port: 0, publicUrl: PUBLIC_URL },
      },
      undefined,
      { MAIL_SMTP_PASSWORD: smtp.password },
    );
    worker = new MailWorker(context.services, {
      pollIntervalMs: 50,
      baseDelayMs: 1,
      maxDelayMs: 5,
    });
    await worker.start();
    browser = await launchChromium();
    admin = await backofficePerson(context, 'admin', {
      username: 'kadrova',
      familyName: 'Кадрова',
      givenName: 'Елена',
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    if (context) await drainInvitationBatches(context.services);
    await context?.close();
    await smtp?.close();
  });

  it('an admin creates and invites an employee, who registers from the mail and logs in to the messenger', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await adminPage();
    const email = 'm.lebedeva@corp.example.test';

    // The create form of the console.
    await page.goto(`${context.baseUrl}/admin/#/users/create`);
    await page.locator('input[name="familyName"]').fill('Лебедева');
    await page.locator('input[name="givenName"]').fill('Мария');
    await page.locator('input[name="username"]').fill('m.lebedeva');
    await page.locator('input[name="email"]').fill(email);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.waitForURL(/#\/users\/[0-9a-f-]{36}\/show/);
    const userId = /#\/users\/([0-9a-f-]{36})\/show/.exec(page.url())?.[1] as string;
    await expect.poll(() => invitationChip(page).textContent()).toBe('Не приглашён');

    // With mail configured the console offers no way to see the link…
    expect(await hasButton(page, 'Показать ссылку')).toBe(false);
    await page.getByTestId('invitation').getByRole('button', { name: 'Пригласить' }).click();
    await expectNotice(page, 'Приглашение отправлено');
    await expect.poll(() => invitationChip(page).textContent()).toBe('Приглашён');
    expect(await hasButton(page, 'Показать ссылку')).toBe(false);
    await shot(page, 'invitation-01-card-invited-ru');
    // …and the API refuses it (the admin's own session, outside the browser).
    const api = await signIn(context, admin);
    const shown = await api.post<{ code: string }>(`/api/v1/users/${userId}/invitation/link`);
    expect(shown.status).toBe(409);
    expect(shown.body.code).toBe('mail_configured');

    // The employee's mail, as the SMTP server received it.
    await waitUntil('the invitation mail at the SMTP server', MAIL_DELIVERY_MS, () =>
      smtp.received.some((mail) => mail.to.includes(email)),
    );
    const mail = smtp.received.find((item) => item.to.includes(email));
    const link = mail?.text.match(
      /https:\/\/admin\.corp\.example\/admin\/#\/register\?token=\S+/,
    )?.[0];
    expect(link).toBeDefined();
    const token = decodeURIComponent(/token=([^&\s]+)/.exec(link as string)?.[1] ?? '');
    expect(token.length).toBeGreaterThan(20);
    // The admin's screen never carried the token.
    expect(await page.content()).not.toContain(token);

    // The employee opens the link in a browser of their own and registers.
    const own = await publicPage('ru');
    await own.goto(link as string);
    await own.locator('#new-password').waitFor();
    await expect.poll(() => own.getByText('Здравствуйте, Мария Лебедева!').count()).toBe(1);
    await own.locator('#new-password').fill('весна в Сокольниках 2027');
    await own.locator('#confirm-password').fill('весна в Сокольниках 2027');
    let secret: string | undefined;
    // A second factor only when the policy asks (for plain users it is off by default).
    if (await own.locator('#totp-code').isVisible()) {
      secret = secretOf((await own.getByTestId('otpauth-uri').textContent()) ?? '');
      await own.locator('#totp-code').fill(await codeFor(context, secret));
    }
    await shot(own, 'invitation-02-register-ru');
    await own.getByRole('button', { name: 'Зарегистрироваться' }).click();
    await expect
      .poll(() => own.getByTestId('register-done').textContent())
      .toContain('войдите как m.lebedeva');
    await shot(own, 'invitation-03-registered-ru');
    await own.context().close();

    // The messenger login through the API, with the password the employee chose.
    const login = await startMessenger(context, 'm.lebedeva', 'весна в Сокольниках 2027');
    expect(login.status).toBe(200);
    if (login.body.next !== 'done') {
      if (!secret || !login.body.challenge) throw new Error(`unexpected step ${login.body.next}`);
      const verified = await verifyMessenger(context, {
        challenge: login.body.challenge,
        code: await codeFor(context, secret, 30),
      });
      expect(verified.status).toBe(200);
    } else expect(login.body.session?.token).toBeTruthy();

    // Back in the admin's browser, still on the card: its refresh button shows «Зарегистрирован».
    await page.getByRole('button', { name: 'Обновить' }).first().click();
    await expect.poll(() => invitationChip(page).textContent()).toBe('Зарегистрирован');
    await shot(page, 'invitation-04-card-registered-ru');
    const state = await api.get<{ status: string }>(`/api/v1/users/${userId}/invitation`);
    expect(state.body.status).toBe('registered');

    // A newly appointed staff member: with mail configured the card offers the invitation, and
    // neither link an operator could open themselves.
    staff = await createPerson(context.services, {
      role: 'staff',
      status: 'pending',
      familyName: 'Новикова',
      email: 'novikova@corp.example.test',
    });
    await openUser(page, context, staff.id);
    await expect.poll(() => invitationChip(page).textContent()).toBe('Не приглашён');
    expect(await hasButton(page, 'Ссылка для входа')).toBe(false);
    expect(await hasButton(page, 'Показать ссылку')).toBe(false);
    expect(await hasButton(page, 'Пригласить')).toBe(true);
  });

  it('a back-office person invited by mail enrols the second factor on the registration page', {
    timeout: BROWSER_TEST_MS,
  }, async () => {
    const page = await adminPage();
    await openUser(page, context, staff.id);
    await page.getByTestId('invitation').getByRole('button', { name: 'Пригласить' }).click();
    await expectNotice(page, 'Приглашение отправлено');
    await waitUntil('the staff invitation at the SMTP server', MAIL_DELIVERY_MS, () =>
      smtp.received.some((mail) => mail.to.includes(staff.email as string)),
    );
    const mail = smtp.received.find((item) => item.to.includes(staff.email as string));
    const link = mail?.text.match(
      /https:\/\/admin\.corp\.example\/admin\/#\/register\?token=\S+/,
    )?.[0] as string;
    expect(link).toBeDefined();

    const own = await publicPage('ru');
    await own.goto(link);
    await own.locator('#totp-code').waitFor();
    await own.locator('img[src^="data:image"]').waitFor();
    const secret = secretOf((await own.getByTestId('otpauth-uri').textContent()) ?? '');
    await own.locator('#new-password').fill('осень на Патриарших 2027');
    await own.locator('#confirm-password').fill('осень на Патриарших 2027');
    await own.locator('#totp-code').fill(await codeFor(context, secret));
    await shot(own, 'invitation-07-register-totp-ru');
    await own.getByRole('button', { name: 'Зарегистрироваться' }).click();
    const done = own.getByTestId('register-done');
    await done.waitFor();
    // Ten recovery codes, shown once, to the person.
    const codes = ((await done.locator('pre').textContent()) ?? '').split('\n').filter(Boolean);
    expect(codes).toHaveLength(10);
    await own.context().close();

    // The messenger asks for the code of the factor the person enrolled (the next time step:
    // the one used at registration is spent).
    const login = await startMessenger(
      context,
      staff.username as string,
      'осень на Патриарших 2027',
    );
    expect([login.status, login.body.next]).toEqual([200, 'totp']);
    const verified = await verifyMessenger(context, {
      challenge: login.body.challenge as string,
      code: await codeFor(context, secret, 30),
    });
    expect(verified.status).toBe(200);
    await page.getByRole('button', { name: 'Обновить' }).first().click();
    await expect.poll(() => invitationChip(page).textContent()).toBe('Зарегистрирован');
  });

  it('invites 1,000 people of a filtered list as one job with a progress bar and a result per person', {
    timeout: BULK_TEST_MS,
  }, async () => {
    // The mails stay queued: the SMTP server is not asked to take 1,000 of them here.
    await worker.stop();
    const organizationId = randomUUID();
    const pool = context.services.pool;
    await pool.query(
      `insert into organization (id, name, kind) values ($1, 'Филиал «Северный»', 'department')`,
      [organizationId],
    );
    // 1,000 people who can be invited, set-based.
    await pool.query(
      `insert into app_user (id, username, family_name, given_name, display_name, email,
                             organization_id, status, source)
       select gen_random_uuid(), 'sever' || i, 'Северов' || i, 'Пётр', 'Пётр Северов' || i,
              'sever' || i || '@corp.example.test', $1, 'active', 'manual'
         from generate_series(1, 1000) as i`,
      [organizationId],
    );
    // Three who must be skipped; their names sort after the 1,000 (the last page of results).
    const skip = async (username: string, familyName: string, extra: Record<string, unknown>) => {
      const row = {
        email: `${username}@corp.example.test`,
        status: 'active',
        password_hash: null,
        ...extra,
      };
      await pool.query(
        `insert into app_user (id, username, family_name, given_name, display_name, email,
                               organization_id, status, password_hash, source)
         values (gen_random_uuid(), $1, $2, 'Яков', $2 || ' Яков', $3, $4, $5, $6, 'manual')`,
        [username, familyName, row.email, organizationId, row.status, row.password_hash],
      );
    };
    await skip('yashin.nomail', 'Яшин', { email: null });
    await skip('yashkin.gone', 'Яшкин', { status: 'deactivated' });
    await skip('yashnov.registered', 'Яшнов', { password_hash: await hashPassword(GOOD_PASSWORD) });

    const page = await adminPage();
    await page.goto(`${context.baseUrl}/admin/#/users`);
    // Filter the people list by the organization, as an admin would.
    await page.getByRole('button', { name: 'Добавить фильтр' }).click();
    await page.locator('[role^="menuitem"]', { hasText: 'Организация' }).click();
    const listed = page.waitForResponse((response) => {
      const url = new URL(response.url());
      return (
        url.pathname === '/api/v1/users' &&
        url.searchParams.get('organizationId') === organizationId
      );
    });
    const orgInput = page.getByRole('combobox', { name: 'Организация' });
    await orgInput.fill('Северный');
    await page.getByRole('option', { name: 'Филиал «Северный»' }).click();
    await listed;
    await expect
      .poll(() => page.locator('.MuiTablePagination-displayedRows').textContent())
      .toMatch(/из 1003/);

    await page.getByRole('button', { name: 'Пригласить всех в списке' }).click();
    const confirm = page.getByRole('dialog');
    await expect.poll(() => confirm.textContent()).toContain('(1003)');
    await confirm.getByRole('button', { name: 'Пригласить' }).click();

    // The job: a progress bar that reaches the end, then the result per person.
    const batch = page.getByTestId('invitation-batch');
    const progress = page.getByRole('progressbar', { name: 'Ход массового приглашения' });
    await progress.waitFor();
    await shot(page, 'invitation-05-bulk-progress-ru');
    await expect
      .poll(() => progress.getAttribute('aria-valuenow'), { timeout: BULK_INVITATION_MS })
      .toBe('100');
    await page.getByTestId('invitation-batch-done').waitFor({ timeout: BROWSER_WAIT_MS });
    expect(await page.getByTestId('invitation-batch-counts').textContent()).toBe(
      '1003 из 1003: приглашено 1000, пропущено 3',
    );
    const skipped = page.getByTestId('invitation-batch-skipped').locator('li');
    await expect
      .poll(() => skipped.allTextContents())
      .toEqual([
        'yashin.nomail — пропущен: нет почты',
        'yashkin.gone — пропущен: деактивирован',
        'yashnov.registered — пропущен: уже зарегистрирован',
      ]);
    expect(await page.getByTestId('invitation-batch-invited').locator('li').count()).toBe(1000);
    expect(await batch.textContent()).toContain('Приглашены (1000)');
    await shot(page, 'invitation-06-bulk-done-ru');

    // 1,000 mails were queued, one per invited person, and nobody skipped got one.
    const { rows } = await pool.query<{ queued: string; skipped: string }>(
      `select count(*) filter (where u.username like 'sever%') as queued,
              count(*) filter (where u.username like 'yash%') as skipped
         from mail_message m join app_user u on u.id = m.user_id
        where m.template = 'invitation' and u.organization_id = $1`,
      [organizationId],
    );
    expect(rows[0]).toEqual({ queued: '1000', skipped: '0' });
    // The list behind the dialog shows the new state.
    await page.getByRole('dialog').getByRole('button', { name: 'Закрыть' }).click();
    await expect
      .poll(() => page.locator('table tbody tr').first().textContent())
      .toContain('Приглашён');
    await page.context().close();
  });
});
