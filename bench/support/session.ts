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
