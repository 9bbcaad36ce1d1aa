import type { Role } from './roles.ts';

/** Where a request came from; copied into every audit event it causes. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/**
 * One back-office role a person holds (issue 18): the standing role of `app_user.role`, or a
 * role grant, limited to organization subtrees and/or until a time.
 */
export interface EffectiveGrant {
  role: Role;
  /** Every organization of the scope, descendants included; `null` is the whole company. */
  organizations: readonly string[] | null;
  /** When the grant lapses; `null` is until withdrawn. Every ability check compares it. */
  expiresAt: Date | null;
  /** The `role_grant` row; `null` for the standing role. */
  grantId: string | null;
}

/** Who performs an action: a signed-in person, the system itself, or a directory source. */
export interface Actor extends RequestMeta {
  kind: 'user' | 'system' | 'anonymous';
  userId: string | null;
  /** A human-readable name for the audit log (username, "system", "source:ad-main"). */
  label: string;
  /** The standing, company-wide back-office role (`app_user.role`). */
  role: Role | null;
  /**
   * Every role the person holds, the standing one included, as loaded by the identity layer
   * (`loadActorGrants`). Absent: the standing role alone (system actors, tests, the CLI).
   */
  grants?: readonly EffectiveGrant[];
}

const noRequest: RequestMeta = { ip: null, userAgent: null, requestId: null };

/** The actor for work the service does on its own (migrations, scheduled jobs, CLI). */
export function systemActor(label = 'system', meta: RequestMeta = noRequest): Actor {
  return { kind: 'system', userId: null, label, role: null, ...meta };
}

/** The actor for an unauthenticated request (login attempts, enrollment). */
export function anonymousActor(meta: RequestMeta, label = 'anonymous'): Actor {
  return { kind: 'anonymous', userId: null, label, role: null, ...meta };
}

/** The actor for a signed-in person. */
export function userActor(
  user: { id: string; username?: string | null; displayName: string; role?: Role | null },
  meta: RequestMeta,
): Actor {
  return {
    kind: 'user',
    userId: user.id,
    label: user.username ?? user.displayName,
    role: user.role ?? null,
    ...meta,
  };
}
