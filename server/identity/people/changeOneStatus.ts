import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { presentOne, type UserView } from '../../directory/users/presentUser.ts';
import { type AppError, conflict, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { changeStatus, type LifecycleVerb, type SkipCode } from '../lifecycle/changeStatus.ts';
import { lastSuperadminConflict } from '../lifecycle/lastSuperadmin.ts';
import { STATUS_AUDIT_ACTION } from '../lifecycle/verbs.ts';

/** The answer to a single-person request the lifecycle left as it was. */
function refusalError(code: SkipCode): AppError {
  switch (code) {
    case 'not_found':
      return notFound('User');
    case 'last_superadmin':
      return lastSuperadminConflict();
    case 'already_deactivated':
      return conflict(code, 'This person is already deactivated');
    case 'already_suspended':
      return conflict(code, 'This person is already suspended');
    case 'already_active':
      return conflict(code, 'This person is already active');
    default:
      return conflict(code, 'This person cannot change status this way');
  }
}

/**
 * The console's door to a person's status: loads and authorizes the target (the rank rules),
 * then asks the lifecycle, which changes the status, ends the sessions of someone cut off, tells
 * the core, writes the status history and the audit event. A manual change sticks: no source
 * lifts it. The answer is read after the commit, outside the transaction: the commit is what wakes
 * the delivery worker, so a cut-off reaches the core without waiting for the person's view.
 */
export async function changeOneStatus(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  verb: LifecycleVerb,
  reason: string | null,
): Promise<UserView> {
  const auditAction = STATUS_AUDIT_ACTION[verb];
  await runCommand(
    services,
    actor,
    async (ctx) => {
      requireAnyRight(ability, verb, auditAction, id);
      const user = await loadUser(ctx.em, id);
      authorize(ability, verb, asUserSubject(user), {
        auditAction,
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      const result = await changeStatus(ctx, verb, [{ id }], {
        door: 'console',
        reason,
        sourceId: null,
      });
      const skipped = result.skipped[0];
      if (skipped) throw refusalError(skipped.code);
    },
    ability,
  );
  const em = services.orm.em.fork();
  return presentOne(em, await loadUser(em, id), services.config.hr.precedence);
}
