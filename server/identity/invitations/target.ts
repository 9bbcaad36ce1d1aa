import type { AuditAction } from '../../audit/actions.ts';
import { asUserSubject, authorize, type UserAction } from '../../authz/index.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import { AppError, conflict, notFound, unprocessable } from '../../shared/errors.ts';
import {
  type InviteeFacts,
  type InviteRefusal,
  inviteeFacts,
  loadInvitees,
  lockInvitationRows,
} from './invitees.ts';

/**
 * Load-then-authorize for the invitation commands: 404 for nobody, 403 (audited as denied under
 * `auditAction`) for a person the caller may not `action`, then the invitation row under lock
 * and the rest of the facts the rules decide on, so two admins inviting one person at once act
 * one after the other. The same reads as a bulk chunk's, for one person.
 */
export async function loadInvitationTarget(
  ctx: CommandContext,
  userId: string,
  action: UserAction,
  auditAction: AuditAction,
): Promise<InviteeFacts> {
  // Locks the person first (then their invitation): every invitation command takes them in
  // this order, so they never deadlock against each other.
  const person = (await loadInvitees(ctx.em, [userId], { lock: true })).get(userId);
  if (!person) throw notFound('User');
  authorize(ctx.ability, action, asUserSubject(person), {
    auditAction,
    targetType: 'User',
    targetId: person.id,
    targetLabel: person.label,
  });
  const rows = await lockInvitationRows(ctx.em, [userId]);
  const [facts] = await inviteeFacts(ctx.em, [person], rows, ctx.services.now());
  if (!facts) throw notFound('User');
  return facts;
}

const PROBLEMS: Record<InviteRefusal, () => AppError> = {
  not_found: () => notFound('User'),
  forbidden: () => new AppError(403, 'forbidden', 'You may not invite this person'),
  no_email: () => unprocessable('no_email', 'This person has no e-mail address to invite them at'),
  deactivated: () => unprocessable('user_deactivated', 'Activate the person before inviting them'),
  suspended: () => unprocessable('user_suspended', 'Lift the suspension before inviting them'),
  login_method: () =>
    unprocessable(
      'login_method_not_password',
      'This person signs in through the directory: there is no password to set',
    ),
  already_registered: () =>
    conflict(
      'already_registered',
      'This person has already registered: invitations go only to people who have not',
    ),
  already_invited: () =>
    conflict('already_invited', 'This person has an open invitation: resend it instead'),
  not_invited: () => conflict('not_invited', 'This person has no invitation to send again'),
};

/** The problem a refusal answers with. */
export function refusalProblem(refusal: InviteRefusal): AppError {
  return PROBLEMS[refusal]();
}
