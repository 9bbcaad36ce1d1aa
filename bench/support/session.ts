import { randomUUID } from 'node:crypto';
import { rankOf } from '../../server/authz/roles.ts';
import { User } from '../../server/directory/entities.ts';
import {
  createBackofficeSession,
  csrfTokenFor,
  SESSION_COOKIE,
} from '../../server/identity/backofficeSession.ts';
import type { Services } from '../../server/shared/services.ts';
import { BenchClient } from './client.ts';

const USERNAME = 'bench.superadmin';

/**
 * Signs in a superadmin the way a completed login leaves it: a back-office session row, its
 * cookie and its CSRF token (the person is created on first use; it has no password).
 */
export async function signInSuperadmin(
  services: Services,
  baseUrl: string,
): Promise<{ client: BenchClient; user: User }> {
  const em = services.orm.em.fork();
  let user = await em.findOne(User, { username: USERNAME });
  if (!user) {
    user = em.create(User, {
      id: randomUUID(),
      username: USERNAME,
      familyName: 'Бенчмарков',
      givenName: 'Супер',
      displayName: 'Супер Бенчмарков',
      status: 'active',
      role: 'superadmin',
      rank: rankOf('superadmin'),
    });
    await em.flush();
  }
  const { token, session } = createBackofficeSession(em, services, user.id, {
    ip: '127.0.0.1',
    userAgent: 'bench',
    requestId: null,
  });
  await em.flush();
  return {
    client: new BenchClient(
      baseUrl,
      `${SESSION_COOKIE}=${token}`,
      csrfTokenFor(services, session.id),
    ),
    user,
  };
}

/**
 * Signs in a bench operator other than the superadmin (issue 18): a company-wide admin, or a
 * person whose only back-office right is an admin grant over `scope` (organization subtrees).
 * Both are made on first use; a scoped operator's grant is replaced on every run, so a run
 * measures the scope it names.
 */
export async function signInOperator(
  services: Services,
  baseUrl: string,
  username: string,
  access: { role: 'admin' } | { grant: 'admin'; scope: readonly string[] },
): Promise<{ client: BenchClient; user: User }> {
  const em = services.orm.em.fork();
  let user = await em.findOne(User, { username });
  const role = 'role' in access ? access.role : null;
  if (!user) {
    user = em.create(User, {
      id: randomUUID(),
      username,
      familyName: 'Бенчмарков',
      givenName: role ? 'Админ' : 'Филиал',
      displayName: role ? 'Админ Бенчмарков' : 'Филиал Бенчмарков',
      status: 'active',
      role,
      rank: rankOf('admin'),
    });
    await em.flush();
  }
  if ('grant' in access) {
    await services.pool.query('delete from role_grant where user_id = $1', [user.id]);
    await services.pool.query(
      `insert into role_grant (user_id, role, scope, reason) values ($1, $2, $3::uuid[], $4)`,
      [user.id, access.grant, access.scope, 'bench: a branch administrator'],
    );
  }
  const { token, session } = createBackofficeSession(em, services, user.id, {
    ip: '127.0.0.1',
    userAgent: 'bench',
    requestId: null,
  });
  await em.flush();
  return {
    client: new BenchClient(
      baseUrl,
      `${SESSION_COOKIE}=${token}`,
      csrfTokenFor(services, session.id),
    ),
    user,
  };
}
