import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userActor } from '../../server/authz/actor.ts';
import { defineAbilityFor } from '../../server/authz/index.ts';
import type { User } from '../../server/directory/entities.ts';
import { toAppError } from '../../server/http/problem.ts';
import { changeRole } from '../../server/identity/people/changeRole.ts';
import { deactivateUser } from '../../server/identity/people/deactivateUser.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

// The last-superadmin rule counts every superadmin in the database, so this file has its own.
let context: TestContext;
const meta = { ip: '127.0.0.1', userAgent: 'vitest', requestId: null };

beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});
beforeEach(async () => {
  // Each case starts from no active superadmin at all; people are retired, never deleted.
  await context.services.orm.em
    .fork()
    .execute("update app_user set status = 'deactivated' where role = 'superadmin'");
});

const actorOf = (user: User) => userActor(user, meta);
const abilityOf = (user: User) => defineAbilityFor(actorOf(user));

async function activeSuperadmins(): Promise<number> {
  const [row] = await context.services.orm.em
    .fork()
    .execute<{ n: number }[]>(
      "select count(*)::int as n from app_user where role = 'superadmin' and status = 'active'",
    );
  return row?.n ?? 0;
}

function codeOf(result: PromiseSettledResult<unknown>): string | null {
  if (result.status === 'fulfilled') return null;
  // The same translation the HTTP layer applies (an optimistic-lock failure is a 409 version_conflict).
  return toAppError(result.reason)?.code ?? String(result.reason);
}

describe('the last active superadmin', () => {
  it('cannot be deactivated or demoted, even by a superadmin acting from a stale session', async () => {
    const last = await createPerson(context.services, { role: 'superadmin' });
    // An actor that was a superadmin when its request began, but is no longer active.
    const stale = await createPerson(context.services, {
      role: 'superadmin',
      status: 'deactivated',
    });
    const deactivation = deactivateUser(
      context.services,
      actorOf(stale),
      abilityOf(stale),
      last.id,
      'test',
    );
    await expect(deactivation).rejects.toMatchObject({ status: 409, code: 'last_superadmin' });
    const demotion = changeRole(
      context.services,
      actorOf(stale),
      abilityOf(stale),
      last.id,
      'admin',
      'test',
    );
    await expect(demotion).rejects.toMatchObject({ status: 409, code: 'last_superadmin' });
    expect(await activeSuperadmins()).toBe(1);
  });

  it('survives two superadmins deactivating each other at the same time', async () => {
    for (let round = 0; round < 5; round += 1) {
      await context.services.orm.em
        .fork()
        .execute("update app_user set status = 'deactivated' where role = 'superadmin'");
      const a = await createPerson(context.services, { role: 'superadmin' });
      const b = await createPerson(context.services, { role: 'superadmin' });
      const results = await Promise.allSettled([
        deactivateUser(context.services, actorOf(a), abilityOf(a), b.id, 'race'),
        deactivateUser(context.services, actorOf(b), abilityOf(b), a.id, 'race'),
      ]);
      expect(results.map(codeOf).sort()).toEqual(['last_superadmin', null].sort());
      expect(await activeSuperadmins()).toBe(1);
    }
  });

  it('survives two concurrent demotions', async () => {
    for (let round = 0; round < 5; round += 1) {
      await context.services.orm.em
        .fork()
        .execute("update app_user set status = 'deactivated' where role = 'superadmin'");
      const a = await createPerson(context.services, { role: 'superadmin' });
      const b = await createPerson(context.services, { role: 'superadmin' });
      const results = await Promise.allSettled([
        changeRole(context.services, actorOf(a), abilityOf(a), b.id, 'admin', 'race'),
        changeRole(context.services, actorOf(b), abilityOf(b), a.id, 'auditor', 'race'),
      ]);
      expect(results.map(codeOf).sort()).toEqual(['last_superadmin', null].sort());
      expect(await activeSuperadmins()).toBe(1);
    }
  });

  it('survives a demotion and a deactivation of the same superadmin at the same time', async () => {
    // A demotion takes the guard's lock, then the person's row; the lifecycle must not hold the
    // row while it waits for the lock (a deadlock would surface as a 500).
    for (let round = 0; round < 5; round += 1) {
      await context.services.orm.em
        .fork()
        .execute("update app_user set status = 'deactivated' where role = 'superadmin'");
      const a = await createPerson(context.services, { role: 'superadmin' });
      const b = await createPerson(context.services, { role: 'superadmin' });
      const c = await createPerson(context.services, { role: 'superadmin' });
      const results = await Promise.allSettled([
        changeRole(context.services, actorOf(a), abilityOf(a), c.id, 'admin', 'race'),
        deactivateUser(context.services, actorOf(b), abilityOf(b), c.id, 'race'),
      ]);
      for (const result of results)
        expect([null, 'version_conflict', 'last_superadmin']).toContain(codeOf(result));
      expect(await activeSuperadmins()).toBeGreaterThanOrEqual(1);
    }
  });

  it('holds through the HTTP API too', async () => {
    const a = await signedIn(context, 'superadmin');
    const b = await signedIn(context, 'superadmin');
    const [ab, ba] = await Promise.all([
      a.api.post(`/api/v1/users/${b.user.id}/deactivate`, { reason: 'race' }),
      b.api.post(`/api/v1/users/${a.user.id}/deactivate`, { reason: 'race' }),
    ]);
    const statuses = [ab.status, ba.status];
    // The loser is refused by the rule (409) or, if the winner already cut its session, at the door (401).
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect([401, 409]).toContain(statuses.find((status) => status !== 200));
    expect(await activeSuperadmins()).toBe(1);
    const em = context.services.orm.em.fork();
    const events = await em.execute<{ outcome: string }[]>(
      "select outcome from audit_event where action = 'user.deactivated' and reason = 'race' and target_id in (?, ?)",
      [a.user.id, b.user.id],
    );
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(1);
  });
});
