import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { seedDemo } from '../../server/demo/command.ts';
import { newScimToken } from '../../server/sources/hr/scim/tokens/format.ts';
import { openBenchDatabase } from '../support/database.ts';
import { fmt, type Latency, latency, table } from '../support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const PEOPLE = 100_000;
const CREATES = 500;
const LISTS = 200;
const WARMUP = 20;
const CONCURRENCY = 8;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The filters measured over 100,000 people (`count` left at its default, 100). */
const FILTERS: Record<string, string> = {
  'userName sw "iv"': 'userName sw "iv"',
  'familyName eq Иванов and active': 'name.familyName eq "Иванов" and active eq true',
  'emails.value co "petrov"': 'emails.value co "petrov"',
  'employeeNumber eq "12345"': `${ENTERPRISE}:employeeNumber eq "12345"`,
};

async function timed(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const start = performance.now();
  const response = await fetch(`${baseUrl}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const ms = performance.now() - start;
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return ms;
}

let serial = 0;
const user = () => {
  serial += 1;
  const id = `${Date.now().toString(36)}${serial}`;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: `bench.scim.${id}`,
    externalId: `bench-${id}`,
    name: { familyName: 'Скимов', givenName: 'Бенч' },
    emails: [{ value: `bench.scim.${id}@corp.example.test`, type: 'work', primary: true }],
    phoneNumbers: [
      { value: `+7 916 ${String(1_000_000 + (serial % 9_000_000)).slice(-7)}`, type: 'work' },
    ],
    title: 'Инженер',
    active: true,
    [ENTERPRISE]: { employeeNumber: `B${id}`, department: `Отдел ${serial % 40}` },
  };
};

async function concurrently(total: number, workers: number, run: () => Promise<number>) {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        next += 1;
        samples.push(await run());
      }
    }),
  );
  return samples;
}

/**
 * SCIM over 100,000 people (bench/.data/scim, kept between runs): POST /Users sequentially and
 * with 8 clients at once, then filtered lists. Returns p95s in ms, keyed by measurement.
 */
export async function runScimBench(): Promise<Record<string, number>> {
  const db = await openBenchDatabase('scim', { fresh: false, poolMax: 16 });
  let server: Server | null = null;
  try {
    const { services } = db;
    const { rows } = await services.pool.query<{ n: number }>(
      'select count(*)::int as n from app_user',
    );
    if ((rows[0]?.n ?? 0) < PEOPLE) {
      log(`SCIM bench: seeding ${PEOPLE} people…`);
      await seedDemo(services, { people: PEOPLE, seed: 1, actorLabel: 'bench' });
      // Employee numbers as HR would have them (the demo people have none).
      await services.pool.query(`update app_user set employee_number = n::text
        from (select id, row_number() over (order by created_at, id) as n from app_user) w
        where w.id = app_user.id and app_user.employee_number is null`);
      await services.pool.query('vacuum analyze');
    }
    const { token, prefix, hash } = newScimToken();
    await services.pool.query(
      `insert into scim_token (id, name, prefix, token_hash) values (gen_random_uuid(), 'bench', $1, $2)`,
      [prefix, hash],
    );
    const { app } = createApp(services);
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    const baseUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const results: Record<string, Latency> = {};
    for (let i = 0; i < WARMUP; i += 1) await timed(baseUrl, token, 'POST', '/Users', user());
    const sequential: number[] = [];
    for (let i = 0; i < CREATES; i += 1)
      sequential.push(await timed(baseUrl, token, 'POST', '/Users', user()));
    results['POST /Users (sequential)'] = latency(sequential);
    results[`POST /Users (${CONCURRENCY} concurrent)`] = latency(
      await concurrently(CREATES, CONCURRENCY, () =>
        timed(baseUrl, token, 'POST', '/Users', user()),
      ),
    );
    for (const [name, filter] of Object.entries(FILTERS)) {
      const path = `/Users?filter=${encodeURIComponent(filter)}`;
      for (let i = 0; i < WARMUP; i += 1) await timed(baseUrl, token, 'GET', path);
      const samples: number[] = [];
      for (let i = 0; i < LISTS; i += 1) samples.push(await timed(baseUrl, token, 'GET', path));
      results[`GET /Users?filter=${name}`] = latency(samples);
    }
    const target = (name: string) => (name.startsWith('POST') ? 30 : 50);
    process.stdout.write(
      `\n## SCIM (${PEOPLE.toLocaleString('en-US')} people)\n\n${table(
        ['Request', 'n', 'p50', 'p95', 'p99', 'target p95', 'met'],
        Object.entries(results).map(([name, l]) => [
          name,
          String(l.n),
          fmt(l.p50),
          fmt(l.p95),
          fmt(l.p99),
          `≤ ${target(name)}`,
          l.p95 <= target(name) ? 'yes' : '**no**',
        ]),
      )}\n`,
    );
    return Object.fromEntries(Object.entries(results).map(([name, l]) => [name, l.p95]));
  } finally {
    const open = server as Server | null;
    if (open) {
      open.closeAllConnections();
      await new Promise<void>((resolve) => open.close(() => resolve()));
    }
    await db.close();
  }
}
