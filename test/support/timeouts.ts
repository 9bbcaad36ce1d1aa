/**
 * Every timeout of the tests, named after what it waits for (issue 12: tests that do not depend
 * on the clock).
 *
 * A timeout here guards against a hang; it is never a measurement. No test asserts how long
 * something took: latencies and throughputs are benchmark figures (`npm run bench`,
 * docs/benchmarks.md). The values are generous on purpose, 5–10× what the wait takes on a quiet
 * 2-core machine, so the suite passes while another CPU-heavy process keeps both cores busy
 * (checked with a busy loop on each core). A passing test never waits for one of these; only a
 * broken one does, so a generous value costs nothing.
 *
 * Plain constants and one helper, no vitest imports: vitest.config.ts and the benchmarks (which
 * reuse test/support) import this module too.
 */

// --- vitest defaults (vitest.config.ts) ------------------------------------------------------

/**
 * One ordinary test: up to a few dozen API calls on its own database, some of them hashing a
 * password with argon2id (quiet: under 5 s, the slowest ~10 s).
 */
export const TEST_MS = 120_000;

/**
 * One beforeAll/afterAll: clone the template database and start the app, or start a throw-away
 * Samba DC, slapd or ejabberd and fill it with a few people (quiet: 1–30 s).
 */
export const SETUP_MS = 300_000;

/** The global teardown: drop this run's databases and stop PostgreSQL (quiet: ~2 s). */
export const TEARDOWN_MS = 60_000;

/** `expect.poll`: a page shows what the API did (quiet: well under 1 s; vitest's default is 1 s). */
export const EXPECT_POLL_MS = 30_000;

/**
 * A sync batch waiting, inside its transaction, for a concurrent batch to reach the same point
 * (quiet: milliseconds); only a broken dispatch (batches one by one) lets it expire.
 */
export const CONCURRENT_BATCH_MS = 60_000;

// --- tests and hooks that do more than an ordinary one ---------------------------------------

/**
 * A test that runs `npm run cli` several times, each a fresh `npx tsx` process that loads the
 * service's code and connects to PostgreSQL (3–5 s per run; a test of four or five runs took
 * 12–35 s with both cores busy).
 */
export const CLI_TEST_MS = 300_000;

/**
 * A test that moves thousands of rows or events: a 40,000-event audit export, 1,000 changes
 * through the outbox into ejabberd, 300 deliveries across a killed service process, a directory of
 * 2,000 people read and re-read (the slowest, the 1,000 changes, took 63–155 s with both cores
 * busy; the others 5–35 s).
 */
export const BULK_TEST_MS = 600_000;

/**
 * A beforeAll that provisions a Samba DC and fills it with thousands of people and a group of
 * 1,600 members (20–45 s with both cores busy; ldbadd and the group modify are CPU-bound).
 */
export const BULK_SETUP_MS = 600_000;

/**
 * One browser test: several pages of the admin UI in Chromium, each step waiting for the API
 * (5–20 s; a whole browser test file took 35–55 s with both cores busy).
 */
export const BROWSER_TEST_MS = 300_000;

/** Playwright: an element, a response, a download or a dialog to appear (quiet: under 2 s). */
export const BROWSER_WAIT_MS = 60_000;

/** A test that starts real service processes (`server/main.ts` under tsx) and uses them. */
export const SERVICE_PROCESS_TEST_MS = 300_000;

/** A test that starts pg-boss, waits for a job ({@link SCHEDULER_JOB_MS}) and stops it again. */
export const SCHEDULER_TEST_MS = 240_000;

// --- waiting for something to happen ---------------------------------------------------------

/** The delivery worker delivers (or gives up on) a handful of outbox events (quiet: < 1 s). */
export const OUTBOX_DELIVERY_MS = 60_000;

/**
 * The mail worker sends (or gives up on) a handful of mails to the loopback SMTP server, through
 * STARTTLS and AUTH, retries included (quiet: well under 1 s).
 */
export const MAIL_DELIVERY_MS = 60_000;

/**
 * One SMTP step against the loopback test server, as the service's `mail.smtp.timeoutMs`
 * (connect, greeting, a command's answer; quiet: milliseconds).
 */
export const SMTP_ANSWER_MS = 30_000;

/**
 * The delivery worker drains a backlog of ~1,000 events into ejabberd (~20–40 s; part of a test
 * that took 63–155 s with both cores busy).
 */
export const OUTBOX_BACKLOG_MS = 480_000;

/**
 * A bulk invitation of ~1,000 people runs to the end: ten transactions of 100 invitations, each
 * rendering and queueing its mails (quiet: 5–15 s).
 */
export const BULK_INVITATION_MS = 300_000;

/** pg-boss picks up a job (it polls every 2 s) and runs it to the end (quiet: 2–5 s). */
export const SCHEDULER_JOB_MS = 120_000;

/**
 * The due timer fires a change a second or two ahead of its write, woken by the write's
 * notification or its listener's reconnection (quiet: 1–3 s; the timer's own longest sleep is set
 * far above this, so only the notification can make it).
 */
export const DUE_TIMER_FIRE_MS = 60_000;

/**
 * The change watch notices an account disabled in AD (it asks every 200 ms in the tests) and the
 * incremental run it starts ends (quiet: 1–3 s).
 */
export const WATCH_RUN_MS = 120_000;

/** `server/main.ts` started under tsx answers `/readyz` (quiet: 3–5 s). */
export const SERVICE_READY_MS = 180_000;

/**
 * A one-off `node --import tsx -e …` script that attaches to embedded PostgreSQL and detaches
 * (quiet: 2–3 s). Under {@link TEST_MS}, so the script's own timeout reports first.
 */
export const SCRIPT_RUN_MS = 90_000;

/** A freshly launched samba answers an LDAP bind (quiet: 2–6 s). */
export const SAMBA_READY_MS = 180_000;

/** samba, after SIGTERM, is gone and its port free (quiet: under 1 s; SIGKILL after this). */
export const SAMBA_STOP_MS = 60_000;

/** A freshly launched slapd answers an LDAP bind (quiet: well under 1 s). */
export const SLAPD_READY_MS = 60_000;

/** A freshly launched ejabberd (an Erlang VM) reports `started` (quiet: ~5 s). */
export const EJABBERD_READY_MS = 180_000;

/** A freshly launched rsyslogd accepts connections on its TLS syslog port (quiet: well under 1 s). */
export const RSYSLOG_READY_MS = 60_000;

/**
 * The SIEM worker streams a few hundred audit events into rsyslog, across a killed and restarted
 * rsyslog or a worker abandoned mid-stream and its successor's election (quiet: 1–10 s; the
 * worker retries a down receiver with backoff up to `maxRetryDelayMs`).
 */
export const SIEM_DELIVERY_MS = 240_000;

/**
 * A SIEM test that kills and restarts rsyslog or the worker while events are written (quiet:
 * 10–40 s, part of it the receiver being down on purpose).
 */
export const SIEM_FAULT_TEST_MS = 600_000;

/**
 * How long rsyslog stays down (killed) while the service keeps writing audit events: a few
 * failed deliveries and backoffs happen meanwhile. A wait the test makes on purpose, not a
 * measurement (the issue asks for 30 s; the outcome is the same for any length).
 */
export const SIEM_RECEIVER_DOWN_MS = 30_000;

/**
 * A child process (service, samba, slapd, ejabberd) stopping gracefully after SIGTERM before it
 * gets SIGKILL (quiet: well under 1 s). Nothing fails when it runs out: it only escalates.
 */
export const GRACEFUL_EXIT_MS = 30_000;

// --- operation timeouts handed to the code under test ----------------------------------------

/**
 * One LDAP request to a test Samba DC or slapd, as a directory source's `timeoutMs` or a test
 * client's timeout (quiet: milliseconds; a bulk modify of 1,000 group members ~1 s). The source
 * schema allows at most 120 s.
 */
export const DIRECTORY_REQUEST_MS = 60_000;

/**
 * One HTTP request to a local server that answers at once, as the timeout of the code under test:
 * ejabberd's extauth program asking the service about a login token, the webhook connector
 * posting to a test receiver (quiet: milliseconds). Under ejabberd's own 30 s for an extauth
 * answer, so the program, not ejabberd, is the one that gives up.
 */
export const HTTP_ANSWER_MS = 25_000;

/** One ejabberd HTTP API command (quiet: milliseconds; a roster or vCard change ~50 ms). */
export const CORE_API_MS = 60_000;

/**
 * One step of an XMPP client login or logout (stream open, STARTTLS, stream close; quiet: well
 * under 100 ms, though the login also waits for ejabberd's extauth to ask the service).
 */
export const XMPP_STEP_MS = 60_000;

/**
 * How long the code under test waits for a stub that accepts a connection and never answers.
 * Short on purpose and safe under load: nothing answers, so the wait always runs out; the test
 * asserts that the code gave up (and how), never how long it took.
 */
export const NEVER_ANSWERS_MS = 500;

/**
 * A poll interval longer than any test (one hour; setInterval takes at most 2^31 - 1 ms): a worker
 * started with it delivers only when something else wakes it, such as NOTIFY.
 */
export const NEVER_POLL_MS = 3_600_000;

/** How often {@link waitUntil} looks again. */
const POLL_EVERY_MS = 50;

/**
 * Waits until `check` holds, looking every 50 ms; throws after `timeoutMs` (one of the names
 * above) with what it waited for.
 */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}

/**
 * A bulk job on the people list's selection runs to its end: 5,000 deactivations in chunks of
 * 500, each chunk one transaction with its audit events (quiet: 10–20 s).
 */
export const BULK_JOB_MS = 300_000;
