import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupId } from '../../server/core/connectors/ejabberd/groups.ts';
import type { EjabberdConnector } from '../../server/core/connectors/ejabberd/index.ts';
import { personVcard, readVcard } from '../../server/core/connectors/ejabberd/vcard.ts';
import type { User } from '../../server/directory/entities.ts';
import { backofficePerson } from '../identity/loginFlow.ts';
import { messengerLogIn } from '../identity/messengerFlow.ts';
import type { ApiClient } from '../support/api.ts';
import { type Ejabberd, ejabberdAvailable, startEjabberd } from '../support/ejabberd.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { connectXmpp, type XmppSession } from '../support/xmpp.ts';
import { coreKey } from './deviceSessions.ts';
import { connectorFor, corePerson, withId } from './ejabberdSetup.ts';

const key = coreKey('ejabberd');

/** A person as the reconciliation lists them (created with their login, never renamed). */
const account = (user: User, active: boolean) => ({
  userId: user.id,
  username: user.username ?? null,
  coreAccount: user.username as string,
  active,
});
let context: TestContext;
let ejabberd: Ejabberd;
let connector: EjabberdConnector;
let admin: ApiClient;
const open: XmppSession[] = [];

/** A person created here, logged in through the service, provisioned into ejabberd. */
async function provisioned(
  role: 'staff' | null = null,
): Promise<{ user: User; token: string; sessionId: string }> {
  const user = await backofficePerson(context, role);
  await connector.deliver(
    withId({ type: 'person.upserted', key: user.id, person: corePerson(user) }),
  );
  const login = await messengerLogIn(context, user.username as string);
  return { user, token: login.token, sessionId: login.sessionId };
}

async function xmpp(user: User, token: string, resource?: string): Promise<XmppSession> {
  const session = await connectXmpp(ejabberd, user.username as string, token, resource);
  open.push(session);
  return session;
}

describe.runIf(ejabberdAvailable)('ejabberd connector against a real ejabberd 23.01', () => {
  beforeAll(async () => {
    context = await startTestContext({
      core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] },
    });
    ejabberd = await startEjabberd({ serviceUrl: context.baseUrl, coreApiKey: key.key });
    connector = connectorFor(ejabberd);
    admin = (await signedIn(context, 'superadmin')).api;
  });
  afterAll(async () => {
    await Promise.all(open.map((session) => session.stop()));
    await ejabberd?.close();
    await context?.close();
  });

  it('logs a person in to ejabberd with the token the service issued (plain and TOTP), and refuses others', async () => {
    const plain = await provisioned(null);
    const session = await xmpp(plain.user, plain.token, plain.sessionId);
    expect(session.jid).toBe(`${plain.user.username}@${ejabberd.host}/${plain.sessionId}`);

    const totp = await provisioned('staff');
    expect((await xmpp(totp.user, totp.token, totp.sessionId)).isOpen()).toBe(true);

    // Another person's token, a made-up token, and an empty one are all refused.
    await expect(
      connectXmpp(ejabberd, plain.user.username as string, totp.token),
    ).rejects.toThrow();
    await expect(
      connectXmpp(ejabberd, plain.user.username as string, 'x'.repeat(43)),
    ).rejects.toThrow();
  });

  it('person.upserted registers once and keeps the vCard current; redelivery is harmless', async () => {
    const user = await backofficePerson(context, null);
    const person = corePerson(user, {
      middleName: 'Petrovich',
      title: 'Engineer',
      phone: '+15551234567',
      organization: { id: user.id, name: 'R&D' },
    });
    const event = withId({ type: 'person.upserted', key: user.id, person });
    await connector.deliver(event);
    await connector.deliver(event);
    const username = user.username as string;
    expect(await readVcard(connector.api, username, ejabberd.host)).toEqual(
      personVcard(person, 'Corp'),
    );
    const registered = await ejabberd.command('registered_users', { host: ejabberd.host });
    expect((registered.body as string[]).filter((name) => name === username)).toHaveLength(1);

    // A photo the person set from their client survives; removed fields are cleared.
    await ejabberd.command('set_vcard2', {
      user: username,
      host: ejabberd.host,
      name: 'PHOTO',
      subname: 'BINVAL',
      content: 'aGVsbG8=',
    });
    const changed = { ...person, title: null, phone: null, familyName: "O'Brien & <Sons>" };
    await connector.deliver(withId({ type: 'person.upserted', key: user.id, person: changed }));
    expect(await readVcard(connector.api, username, ejabberd.host)).toEqual(
      personVcard(changed, 'Corp'),
    );
    const photo = await ejabberd.command('get_vcard2', {
      user: username,
      host: ejabberd.host,
      name: 'PHOTO',
      subname: 'BINVAL',
    });
    expect(photo.body).toEqual({ content: 'aGVsbG8=' });
  });

  it('an admin deactivates a person: the client is cut off by the delivery itself and cannot reconnect', async () => {
    const { user, token, sessionId } = await provisioned(null);
    const session = await xmpp(user, token, sessionId);
    const deactivated = await admin.post(`/api/v1/users/${user.id}/deactivate`, { reason: 'left' });
    expect(deactivated.status).toBe(200);
    // Nothing but the delivery below cuts the client off (no worker runs here).
    expect(session.isOpen()).toBe(true);
    // Until the delivery worker lands, the test delivers what the outbox would carry.
    await connector.deliver(
      withId({
        type: 'person.deactivated',
        key: user.id,
        userId: user.id,
        username: user.username as string,
        reason: 'left',
      }),
    );
    // "At once": by the time the delivery has returned, ejabberd holds no session of the person
    // (the connector checks that before it returns), and the client's connection then closes.
    // How long the cut takes is a benchmark figure (`npm run bench -- core`).
    expect(
      (await ejabberd.command('user_sessions_info', { user: user.username, host: ejabberd.host }))
        .body,
    ).toEqual([]);
    await session.closed;
    expect(session.isOpen()).toBe(false);
    await expect(
      connectXmpp(ejabberd, user.username as string, token, sessionId),
    ).rejects.toThrow();
    // Redelivery is harmless.
    await connector.deliver(
      withId({
        type: 'person.deactivated',
        key: user.id,
        userId: user.id,
        username: user.username as string,
        reason: 'left',
      }),
    );
  });

  it('cuts off before it bans, and a deactivation or suspension creates no account the core never had', async () => {
    // `ban_account` alone would register an unknown account in 23.01: the connector kicks first
    // (harmless for an unknown account) and bans only an account that exists.
    for (const type of ['person.deactivated', 'person.suspended'] as const) {
      const never = await backofficePerson(context, null);
      const username = never.username as string;
      await connector.deliver(
        withId({ type, key: never.id, userId: never.id, username, reason: 'left' }),
      );
      expect(
        (await ejabberd.command('check_account', { user: username, host: ejabberd.host })).body,
      ).toBe(1);
    }
    // A suspended person who is online is cut off and banned like a deactivated one.
    const { user, token, sessionId } = await provisioned(null);
    const session = await xmpp(user, token, sessionId);
    const username = user.username as string;
    await connector.deliver(
      withId({ type: 'person.suspended', key: user.id, userId: user.id, username, reason: null }),
    );
    await session.streamError;
    await session.closed;
    expect(
      (await ejabberd.command('user_sessions_info', { user: username, host: ejabberd.host })).body,
    ).toEqual([]);
  });

  it('sessions.revoked kicks only the revoked device; a revoked token cannot connect', async () => {
    const { user, token, sessionId } = await provisioned(null);
    const second = await messengerLogIn(context, user.username as string, {
      device: { name: 'Laptop', platform: 'linux' },
    });
    const phone = await xmpp(user, token, sessionId);
    const laptop = await xmpp(user, second.token, second.sessionId);
    const revoked = await admin.post(`/api/v1/users/${user.id}/sessions/${sessionId}/revoke`, {
      reason: 'lost phone',
    });
    expect(revoked.status).toBeLessThan(300);
    await connector.deliver(
      withId({
        type: 'sessions.revoked',
        key: user.id,
        userId: user.id,
        username: user.username as string,
        sessionIds: [sessionId],
      }),
    );
    await phone.closed;
    expect(laptop.isOpen()).toBe(true);
    await expect(
      connectXmpp(ejabberd, user.username as string, token, sessionId),
    ).rejects.toThrow();

    // 'all' and a second-factor reset kick everyone.
    await connector.deliver(
      withId({
        type: 'second_factor.reset',
        key: user.id,
        userId: user.id,
        username: user.username as string,
      }),
    );
    await laptop.closed;
  });

  it('person.reactivated makes a banned account usable again (no unban in 23.01)', async () => {
    const { user } = await provisioned(null);
    const username = user.username as string;
    await connector.deliver(
      withId({ type: 'person.deactivated', key: user.id, userId: user.id, username, reason: null }),
    );
    await connector.deliver(
      withId({ type: 'person.reactivated', key: user.id, person: corePerson(user) }),
    );
    const reactivated = await admin.post(`/api/v1/users/${user.id}/reactivate`, {});
    expect([200, 404]).toContain(reactivated.status);
    if (reactivated.status === 200) {
      const login = await messengerLogIn(context, username);
      expect((await xmpp(user, login.token, login.sessionId)).isOpen()).toBe(true);
    }
    // A person never provisioned is registered by a reactivation.
    const fresh = await backofficePerson(context, null);
    await connector.deliver(
      withId({ type: 'person.reactivated', key: fresh.id, person: corePerson(fresh) }),
    );
    expect(
      (await ejabberd.command('check_account', { user: fresh.username, host: ejabberd.host })).body,
    ).toBe(0);
  });

  it('spaces become shared roster groups, self-displayed only while small', async () => {
    const small = connectorFor(ejabberd, { largeGroupThreshold: 2 });
    const people = [await provisioned(), await provisioned(), await provisioned()];
    const spaceId = crypto.randomUUID();
    const group = groupId(spaceId);
    const info = async () => {
      const body = (await ejabberd.command('srg_get_info', { group, host: ejabberd.host }))
        .body as {
        key: string;
        value: string;
      }[];
      return Object.fromEntries(body.map((item) => [item.key, item.value]));
    };
    const members = async () =>
      (
        (await ejabberd.command('srg_get_members', { group, host: ejabberd.host })).body as string[]
      ).sort();
    const member = (index: number) => {
      const username = people[index]?.user.username as string;
      return { userId: people[index]?.user.id as string, username };
    };
    await small.deliver(withId({ type: 'space.upserted', key: spaceId, spaceId, name: 'Ops' }));
    await small.deliver(withId({ type: 'space.upserted', key: spaceId, spaceId, name: 'Ops' }));
    expect(await info()).toMatchObject({ label: 'Ops', displayed_groups: group });

    const change = withId({
      type: 'space.members_changed',
      key: spaceId,
      spaceId,
      name: 'Ops',
      added: [member(0), member(1), member(2)],
      removed: [],
    });
    await small.deliver(change);
    await small.deliver(change);
    expect(await members()).toEqual(
      [0, 1, 2].map((i) => `${member(i).username}@${ejabberd.host}`).sort(),
    );
    expect((await info()).displayed_groups).toBe('');

    await small.deliver(
      withId({
        type: 'space.members_changed',
        key: spaceId,
        spaceId,
        name: 'Ops',
        added: [],
        removed: [member(2)],
      }),
    );
    expect(await members()).toHaveLength(2);
    expect((await info()).displayed_groups).toBe(group);

    await small.deliver(withId({ type: 'space.deleted', key: spaceId, spaceId, name: 'Ops' }));
    await small.deliver(withId({ type: 'space.deleted', key: spaceId, spaceId, name: 'Ops' }));
    const list = (await ejabberd.command('srg_list', { host: ejabberd.host })).body as string[];
    expect(list).not.toContain(group);
  });

  it('reconcile reports accounts missing in the core, connected deactivated people and core-only accounts', async () => {
    const active = await provisioned();
    const missing = await backofficePerson(context, null);
    const gone = await provisioned();
    const session = await xmpp(gone.user, gone.token, gone.sessionId);
    await ejabberd.command('register', { user: 'handmade', host: ejabberd.host, password: 'p' });
    const differences = await connector.reconcile([
      account(active.user, true),
      account(missing, true),
      account(gone.user, false),
    ]);
    expect(differences).toContainEqual({
      kind: 'missing_in_core',
      userId: missing.id,
      coreAccount: missing.username,
    });
    expect(differences).toContainEqual({
      kind: 'active_in_core',
      userId: gone.user.id,
      username: gone.user.username,
      coreAccount: gone.user.username,
    });
    expect(differences).toContainEqual({ kind: 'core_only', coreAccount: 'handmade' });
    expect(differences.some((d) => 'userId' in d && d.userId === active.user.id)).toBe(false);
    await session.stop();
  });

  it('fails (to be retried) when ejabberd is down, and delivers once it is back', async () => {
    const user = await backofficePerson(context, null);
    const event = withId({ type: 'person.upserted', key: user.id, person: corePerson(user) });
    await ejabberd.stop();
    await expect(connector.deliver(event)).rejects.toThrow();
    await ejabberd.start();
    await connector.deliver(event);
    expect(
      (await ejabberd.command('check_account', { user: user.username, host: ejabberd.host })).body,
    ).toBe(0);
  });
});
