import { randomUUID } from 'node:crypto';
import { type Role, rankOf } from '../../server/authz/roles.ts';
import { User, type UserStatus } from '../../server/directory/entities.ts';
import {
  createBackofficeSession,
  csrfTokenFor,
  SESSION_COOKIE,
} from '../../server/identity/backofficeSession.ts';
import type { Services } from '../../server/shared/services.ts';
import { ApiClient } from './api.ts';
import type { TestContext } from './harness.ts';

let counter = 0;

/** Attributes a test may set on a person it creates. */
export interface PersonOverrides {
  role?: Role | null;
  status?: UserStatus;
  username?: string;
  familyName?: string;
  givenName?: string;
  middleName?: string | null;
  email?: string | null;
  phone?: string | null;
  organizationId?: string | null;
  source?: User['source'];
  addedById?: string | null;
  passwordHash?: string | null;
}

/** Inserts a person directly (test setup, not the API under test). */
export async function createPerson(
  services: Services,
  overrides: PersonOverrides = {},
): Promise<User> {
  counter += 1;
  const role = overrides.role ?? null;
  const em = services.orm.em.fork();
  const suffix = `${Date.now().toString(36)}${counter}`;
  const familyName = overrides.familyName ?? `Тестов${counter}`;
  const givenName = overrides.givenName ?? 'Иван';
  const user = em.create(User, {
    id: randomUUID(),
    username: overrides.username ?? `user${suffix}`,
    familyName,
    givenName,
    middleName: overrides.middleName ?? null,
    displayName: `${givenName} ${familyName}`,
    email:
      overrides.email === undefined ? `user${suffix}@corp.example` : (overrides.email ?? undefined),
    phone: overrides.phone ?? null,
    organizationId: overrides.organizationId ?? null,
    status: overrides.status ?? 'active',
    role,
    rank: rankOf(role),
    source: overrides.source ?? 'manual',
    addedById: overrides.addedById ?? null,
    passwordHash: overrides.passwordHash ?? null,
  });
  await em.flush();
  return user;
}

/**
 * An API client signed in as `user` with a real back-office session row (as the login flow
 * would leave it), its cookie and its CSRF token.
 */
export async function signIn(context: TestContext, user: User): Promise<ApiClient> {
  const em = context.services.orm.em.fork();
  const { token, session } = createBackofficeSession(em, context.services, user.id, {
    ip: '127.0.0.1',
    userAgent: 'vitest',
    requestId: null,
  });
  await em.flush();
  const client = new ApiClient(context.baseUrl);
  client.setCookie(SESSION_COOKIE, token);
  client.csrfToken = csrfTokenFor(context.services, session.id);
  return client;
}

/** Creates a person with a role and signs them in. */
export async function signedIn(
  context: TestContext,
  role: Role | null,
  overrides: PersonOverrides = {},
) {
  const user = await createPerson(context.services, { ...overrides, role });
  return { user, api: await signIn(context, user) };
}

/** Attributes a test may set on a device session it creates. */
export interface DeviceSessionOverrides {
  deviceName?: string | null;
  platform?: string | null;
  createdAt?: Date;
  lastSeenAt?: Date;
  expiresAt?: Date;
  revokedAt?: Date | null;
}

/**
 * Inserts a messenger device session for a person (test setup, as the messenger login would
 * leave it); returns its bearer token and id.
 */
export async function createDeviceSession(
  services: Services,
  user: User,
  overrides: DeviceSessionOverrides = {},
): Promise<{ token: string; sessionId: string }> {
  // Imported here so that this helper is a pure append (other helpers share the import block).
  const { DeviceSession } = await import('../../server/identity/entities.ts');
  const { hashToken, newToken } = await import('../../server/shared/tokens.ts');
  const em = services.orm.em.fork();
  const token = newToken();
  const now = services.now();
  const session = em.create(DeviceSession, {
    id: randomUUID(),
    userId: user.id,
    tokenHash: hashToken(token),
    deviceName: overrides.deviceName === undefined ? 'Test phone' : overrides.deviceName,
    platform: overrides.platform === undefined ? 'ios' : overrides.platform,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    createdAt: overrides.createdAt ?? now,
    lastSeenAt: overrides.lastSeenAt ?? now,
    expiresAt: overrides.expiresAt ?? new Date(now.getTime() + 90 * 86_400_000),
    revokedAt: overrides.revokedAt ?? null,
  });
  await em.flush();
  return { token, sessionId: session.id };
}

/** Inserts a department (test setup): under `parentId`, or at the top of the tree. */
export async function createOrganization(
  services: Services,
  name: string,
  parentId: string | null = null,
): Promise<string> {
  const id = randomUUID();
  await services.pool.query(
    `insert into organization (id, name, kind, parent_id, created_at, updated_at, version)
     values ($1, $2, 'department', $3, now(), now(), 1)`,
    [id, name, parentId],
  );
  return id;
}
