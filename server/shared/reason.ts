import { AppError } from './errors.ts';

/**
 * The reason a privileged action must carry (role change, deactivation, 2FA reset, session
 * revocation), checked by the command itself, so that every door — not only the route's schema —
 * refuses a missing or blank one. The problem has the same shape as a schema's validation
 * problem (400 `validation_failed`, pointing at `reason`), so the console puts it at the field.
 * Commands call it after authorization, so a denied attempt is audited whatever its body.
 */
export function requireReason(reason: string | null | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed !== '') return trimmed;
  throw new AppError(400, 'validation_failed', 'The request is not valid', {
    errors: [{ path: 'reason', message: 'must not be empty' }],
  });
}
