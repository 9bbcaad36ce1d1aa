import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createApp } from '../server/app.ts';
import { projectRoot } from '../server/config.ts';
import { User } from '../server/directory/entities.ts';
import { createBackofficeSession, SESSION_COOKIE } from '../server/identity/backofficeSession.ts';
import { readState } from './directory/data.ts';
import { BENCH_DATA_DIR, openBenchDatabase } from './support/database.ts';
import { signInSuperadmin } from './support/session.ts';
import { fmt, latency, table } from './support/stats.ts';
import { measureBulkAndExport } from './uiBulk.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const CHROMIUM = '/usr/bin/chromium';
const TRIALS = 20;

/** Waits until the people list shows rows that all contain `expected` (or any rows). */
async function rowsShown(page: Page, expected?: string): Promise<void> {
  // A string expression: it runs in the page, and this project compiles without DOM types.
  await page.waitForFunction(
    `(() => {
      const rows = [...document.querySelectorAll('table tbody tr')];
      const text = ${JSON.stringify(expected ?? '')};
      return rows.length > 0 && (!text || rows.every((row) => row.textContent.includes(text)));
    })()`,
    undefined,
    { timeout: 15_000, polling: 'raf' },
  );
}

/** The machine's load average now, for the figures' context. */
function loadLine(): string {
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  return `Load average at the end ${load}.`;
}

/** In-app navigation: dashboard → People; ms until the first page of rows is on screen. */
async function navigateToPeople(page: Page, baseUrl: string): Promise<number> {
  await page.goto(`${baseUrl}/admin/#/`);
  await page.getByTestId('dashboard').waitFor({ timeout: 15_000 });
  const started = performance.now();
  await page.evaluate("window.location.hash = '#/users'");
  await rowsShown(page);
  return performance.now() - started;
}

/** Types a fragment into the people search box; ms from the last key until matching rows show. */
async function search(page: Page, fragment: string, expected: string): Promise<number> {
  const box = page.locator('input[name="q"]');
  await box.fill('');
  await rowsShown(page);
  await box.pressSequentially(fragment, { delay: 30 });
  const started = performance.now();
  await rowsShown(page, expected);
  return performance.now() - started;
}

/**
 * `npm run bench -- ui [--no-browser]`: the admin UI over the `directory` benchmark's data
 * (100,000 people), in Debian's Chromium through playwright-core: time from in-app navigation to
 * the people list's first page, and from the last keystroke of a search to its results on
 * screen; then (issue 16) the export of the whole list as CSV and XLSX beside its floor, and a
 * bulk deactivation of 5,000 filtered people as a job (`--no-browser`: only these).
 */
export async function runUiBenchmark(args: string[] = []): Promise<void> {
  const browserPart = !args.includes('--no-browser');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  if (!readState(join(BENCH_DATA_DIR, 'directory')))
    throw new Error(
      'run `npm run bench -- directory` first: it builds the 100,000-person data set',
    );
  execFileSync(process.execPath, ['admin-ui/scripts/ensure-build.mjs'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  const db = await openBenchDatabase('directory', { fresh: false, poolMax: 10 });
  const { app } = createApp(db.services);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!browserPart) {
    try {
      const { client } = await signInSuperadmin(db.services, baseUrl);
      process.stdout.write(`${await measureBulkAndExport(db, baseUrl, client)}\n\n${loadLine()}\n`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    }
    return;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'],
  });
  try {
    const { user, client } = await signInSuperadmin(db.services, baseUrl);
    const em = db.services.orm.em.fork();
    const { token } = createBackofficeSession(em, db.services, user.id, {
      ip: '127.0.0.1',
      userAgent: 'bench-ui',
      requestId: null,
    });
    await em.flush();
    const context = await browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 1366, height: 860 },
    });
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: baseUrl }]);
    const page = await context.newPage();
    // Samples of real people: a family-name fragment and a phone fragment each.
    const people = await em.find(
      User,
      { status: 'active', phone: { $ne: null } },
      { limit: TRIALS, orderBy: { id: 'asc' } },
    );
    log('warm-up…');
    await navigateToPeople(page, baseUrl);
    log('navigation…');
    const navigation: number[] = [];
    for (let i = 0; i < TRIALS; i++) navigation.push(await navigateToPeople(page, baseUrl));
    log('search…');
    const byName: number[] = [];
    const byPhone: number[] = [];
    for (const person of people) {
      byName.push(await search(page, person.familyName.slice(0, 5), person.familyName.slice(0, 5)));
      const digits = (person.phone ?? '').slice(-7);
      byPhone.push(await search(page, digits, person.displayName));
    }
    const rows = [
      ['People list, first page after in-app navigation', navigation, 1000],
      ['Search by name fragment, last key → results', byName, 500],
      ['Search by phone fragment, last key → results', byPhone, 500],
    ] as const;
    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ');
    process.stdout.write(
      `${table(
        ['measure', 'n', 'p50 ms', 'p95 ms', 'max ms', 'target', 'met (p95)'],
        rows.map(([name, samples, target]) => {
          const l = latency(samples);
          return [
            name,
            String(l.n),
            fmt(l.p50),
            fmt(l.p95),
            fmt(l.max),
            `≤ ${target} ms`,
            l.p95 <= target ? 'yes' : '**no**',
          ];
        }),
      )}\n\n100,000 people; Chromium ${browser.version()}; load average at the end ${load}.\n`,
    );
    process.stdout.write(`\n${await measureBulkAndExport(db, baseUrl, client)}\n\n${loadLine()}\n`);
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  }
}
