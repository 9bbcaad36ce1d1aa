import type { Role } from './roles.ts';

/** Where a request came from; copied into every audit event it causes. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Who performs an action: a signed-in person, the system itself, or a directory source. */
export interface Actor extends RequestMeta {
  kind: 'user' | 'system' | 'anonymous';
  userId: string | null;
  /** A human-readable name for the audit log (username, "system", "source:ad-main"). */
  label: string;
  role: Role | null;
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
