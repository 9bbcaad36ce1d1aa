import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readVcard } from '../../server/core/connectors/ejabberd/vcard.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { DeliveryWorker } from '../../server/core/delivery/worker.ts';
import { hashPassword } from '../../server/identity/passwords.ts';
import { GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { messengerLogIn } from '../identity/messengerFlow.ts';
import { ApiClient } from '../support/api.ts';
import { type Ejabberd, ejabberdAvailable, startEjabberd } from '../support/ejabberd.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { OUTBOX_DELIVERY_MS } from '../support/timeouts.ts';
import { connectXmpp, type XmppSession } from '../support/xmpp.ts';
import { coreKey } from './deviceSessions.ts';
import { connectorFor } from './ejabberdSetup.ts';
import { waitFor } from './outboxReceiver.ts';

const key = coreKey('core-accounts');

let context: TestContext;
let admin: ApiClient;

interface Person {
  id: string;
  username: string;
  version: number;
}

const fresh = () => `ca${randomUUID().slice(0, 8)}`;

async function create(username: string, familyName: string): Promise<Person> {
  const response = await admin.post<Person>('/api/v1/users', {
    username,
    familyName,
    givenName: 'Иван',
    email: `${username}@corp.example`,
    status: 'active',
  });
  if (response.status !== 201) throw new Error(`create: ${response.status} ${response.text}`);
  return response.body;
}

async function rename(person: Person, username: string): Promise<Person> {
  const response = await admin.request<Person>('PATCH', `/api/v1/users/${person.id}`, {
    body: { username, email: `${username}@corp.example`, version: person.version },
  });
  if (response.status !== 200) throw new Error(`rename: ${response.status} ${response.text}`);
  return response.body;
}

async function coreAccountOf(userId: string): Promise<string | null> {
  const { rows } = await context.services.pool.query<{ core_account: string | null }>(
    'select core_account from app_user where id = $1',
    [userId],
  );
  return rows[0]?.core_account ?? null;
}

/** The `u` + 32 hex digits account of a person whose login was somebody's account before. */
const idAccount = (userId: string) => `u${userId.replaceAll('-', '')}`;

beforeAll(async () => {
  context = await startTestContext({
    core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] },
  });
  // Events are written for the connectors registered; the real one delivers them further down.
  await registerConnectors(context.services, [{ name: 'ejabberd', kind: 'ejabberd' }]);
  admin = (await signedIn(context, 'superadmin')).api;
});
afterAll(async () => {
  await context?.close();
});

describe('core accounts are assigned once and never reused', () => {
  it('is the first login; a rename keeps it; a new person given the released login gets another', async () => {
    const login = fresh();
    const first = await create(login, 'Первый');
    expect(await coreAccountOf(first.id)).toBe(login);

    const renamed = await rename(first, `${login}-old`);
    expect(renamed.username).toBe(`${login}-old`);
    expect(await coreAccountOf(first.id)).toBe(login);

    const second = await create(login, 'Второй');
    expect(await coreAccountOf(second.id)).toBe(idAccount(second.id));

    // What the core is told names each person by their own account, whatever their login.
    const { rows } = await context.services.pool.query<{ key: string; payload: unknown }>(
      `select key, payload from outbox_event
        where key = any($1::text[]) and type = 'person.upserted' order by id`,
      [[first.id, second.id]],
    );
    const accounts = rows.map((row) => [
      row.key,
      (row.payload as { person: { username: string; coreAccount: string } }).person,
    ]);
    expect(accounts).toContainEqual([
      first.id,
      expect.objectContaining({ username: `${login}-old`, coreAccount: login }),
    ]);
    expect(accounts).toContainEqual([
      second.id,
      expect.objectContaining({ username: login, coreAccount: idAccount(second.id) }),
    ]);
  });

  it('a person without a login has no account until their first one, which assigns it', async () => {
    const response = await admin.post<Person>('/api/v1/users', {
      familyName: 'Безлогинов',
      givenName: 'Пётр',
      status: 'pending',
    });
    expect(response.status).toBe(201);
    expect(await coreAccountOf(response.body.id)).toBeNull();
    const login = fresh();
    await rename(response.body, login);
    expect(await coreAccountOf(response.body.id)).toBe(login);
  });

  it('the database refuses to change or clear an assigned account, whoever writes it', async () => {
    const person = await create(fresh(), 'Неизменный');
    const other = await create(fresh(), 'Другой');
    for (const value of ['somebody.else', null, other.username]) {
      await expect(
        context.services.pool.query('update app_user set core_account = $2 where id = $1', [
          person.id,
          value,
        ]),
      ).rejects.toThrow(/core_account never changes/);
    }
    expect(await coreAccountOf(person.id)).toBe(person.username);
  });
});

describe.runIf(ejabberdAvailable)('a released login in the real ejabberd', () => {
  let ejabberd: Ejabberd;
  let worker: DeliveryWorker;
  const sessions: XmppSession[] = [];

  const registered = async (user: string) =>
    (await ejabberd.command('check_account', { user, host: ejabberd.host })).body === 0;
  const delivered = async () => {
    const { rows } = await context.services.pool.query<{ n: number }>(
      'select count(*)::int as n from outbox_event where delivered_at is null',
    );
    return rows[0]?.n === 0;
  };
  const withPassword = async (userId: string) =>
    context.services.pool.query('update app_user set password_hash = $2 where id = $1', [
      userId,
      await hashPassword(GOOD_PASSWORD),
    ]);

  beforeAll(async () => {
    ejabberd = await startEjabberd({ serviceUrl: context.baseUrl, coreApiKey: key.key });
    worker = new DeliveryWorker(context.services, [connectorFor(ejabberd)], {
      pollIntervalMs: 200,
      baseDelayMs: 50,
    });
    await worker.start();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.stop()));
  });
  afterAll(async () => {
    await worker?.stop();
    await ejabberd?.close();
  });

  it('the new person signs in to an account of their own and cannot reach the old one', async () => {
    const login = fresh();
    const former = await create(login, 'Прежний');
    await waitFor(async () => (await registered(login)) && (await delivered()), OUTBOX_DELIVERY_MS);
    await rename(former, `${login}-old`);

    const newcomer = await create(login, 'Новый');
    const account = idAccount(newcomer.id);
    await waitFor(
      async () => (await registered(account)) && (await delivered()),
      OUTBOX_DELIVERY_MS,
    );
    await withPassword(newcomer.id);

    const signIn = await messengerLogIn(context, login);
    expect(signIn.coreAccount).toBe(account);
    const session = await connectXmpp(ejabberd, account, signIn.token, signIn.sessionId);
    sessions.push(session);
    expect(session.jid.startsWith(`${account}@`)).toBe(true);

    // The old account (the former person's archive and roster) refuses the newcomer's token.
    await expect(connectXmpp(ejabberd, login, signIn.token)).rejects.toThrow();
    const authenticate = (username: string) =>
      new ApiClient(context.baseUrl).request<{ ok: boolean }>('POST', '/api/v1/core/authenticate', {
        body: { username, token: signIn.token },
        headers: { authorization: `Bearer ${key.key}` },
      });
    expect((await authenticate(login)).body).toEqual({ ok: false });
    expect((await authenticate(account.toUpperCase())).body).toMatchObject({ ok: true });

    // Each account carries its own person's card: nothing of the newcomer went to the old one.
    const api = connectorFor(ejabberd).api;
    expect((await readVcard(api, login, ejabberd.host))?.family).toBe('Прежний');
    expect((await readVcard(api, account, ejabberd.host))?.family).toBe('Новый');
  });
});
