import { LockMode } from '@mikro-orm/core';
import { type RequestMeta, userActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import { EnrollmentToken } from '../entities.ts';
import { setPasswordThroughLink } from '../lifecycle/passwordThroughLink.ts';
import { assertPasswordPolicy, hashPassword } from '../passwords.ts';

const unknownLink = () =>
  badRequest('enrollment_link_invalid', 'This enrollment link is not valid; ask for a new one');

/** Why a known link no longer works (410: it existed, and is gone for good). */
function linkGone(token: EnrollmentToken, user: User | null, now: Date): AppError | null {
  if (token.usedAt)
    return new AppError(410, 'enrollment_link_used', 'This enrollment link was already used');
  if (token.expiresAt <= now)
    return new AppError(410, 'enrollment_link_expired', 'This enrollment link has expired');
  if (!user || user.status === 'deactivated' || user.status === 'suspended')
    return new AppError(410, 'enrollment_link_revoked', 'This enrollment link no longer applies');
  return null;
}

/**
 * Sets a person's password from a single-use enrollment link and uses the link up.
 *
 * A `pending` person becomes `active` here: the link was issued by an operator allowed to act on
 * them (issuing and activating need the same rank), and a person who has just set their password
 * is evidently ready to use the account (the lifecycle activates them). As with every credential
 * change, every earlier session and device token of the person ends and the core is told.
 */
export async function completeEnrollment(
  services: Services,
  meta: RequestMeta,
  input: { token: string; password: string },
): Promise<void> {
  const tokenHash = hashToken(input.token);
  const reader = services.orm.em.fork();
  const found = await reader.findOne(EnrollmentToken, { tokenHash });
  if (!found) throw unknownLink();
  const person = await reader.findOne(User, { id: found.userId });
  const gone = linkGone(found, person, services.now());
  if (gone || !person) throw gone ?? unknownLink();
  assertPasswordPolicy(input.password, person.username ?? null);
  // Hashed before the transaction opens: no connection is held for the tens of milliseconds.
  const passwordHash = await hashPassword(input.password);

  await runCommand(services, userActor(person, meta), async (ctx) => {
    const { em, audit } = ctx;
    const now = services.now();
    // The lock makes "use once" hold against two simultaneous submissions of one link.
    const token = await em.findOne(
      EnrollmentToken,
      { tokenHash },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!token) throw unknownLink();
    const user = await em.findOne(User, { id: token.userId });
    const stale = linkGone(token, user, now);
    if (stale || !user) throw stale ?? unknownLink();
    const before = { status: user.status, passwordSet: user.passwordHash !== null };
    token.usedAt = now;
    const revoked = await setPasswordThroughLink(ctx, user, passwordHash, now, {
      issuedById: token.createdById ?? null,
      revokeReason: 'password set through an enrollment link',
      activateReason: 'Enrollment completed',
    });
    audit({
      action: 'auth.enrollment_completed',
      targetType: 'User',
      targetId: user.id,
      targetLabel: user.username ?? user.displayName,
      diff: { before, after: { status: user.status, passwordSet: true } },
      details: { artefactsRevoked: revoked },
    });
  });
}
