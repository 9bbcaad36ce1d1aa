import type { Actor } from '../../authz/actor.ts';
import {
  type AppAbility,
  asUserSubject,
  authorize,
  requireSecondPerson,
} from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { type DeliveryField, heldAddresses } from '../addressHold.ts';

/** What an approval released. */
export interface DeliveryAddressApproval {
  userId: string;
  /** The fields whose hand change no longer holds credentials. */
  approved: DeliveryField[];
}

/**
 * A second person approves a person's delivery addresses (e-mail, phone) changed by hand within
 * the last 24 h (issue 14, scope 4): from now on one-time codes and invitations go to them
 * again. Whoever may edit the person's profile may approve, except the person themselves and
 * whoever made any of the held changes (403 `second_approver_required`); 409 `not_held` when no
 * change holds anything. Audited `user.delivery_address_approved` with the fields and the changers.
 */
export function approveDeliveryAddress(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<DeliveryAddressApproval> {
  return runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      const auditAction = 'user.delivery_address_approved' as const;
      requireAnyRight(ability, 'approveAddress', auditAction, id);
      const user = await loadUser(em, id);
      const attempt = { auditAction, targetType: 'user', targetId: id, targetLabel: labelOf(user) };
      authorize(ability, 'approveAddress', asUserSubject(user), attempt);
      const holds = await heldAddresses(em, user.id, services.now());
      if (holds.length === 0)
        throw conflict(
          'not_held',
          'No address of this person was changed by hand in the last 24 hours',
        );
      requireSecondPerson(
        actor.userId,
        holds.map((hold) => hold.byId),
        attempt,
      );
      const fields = holds.map((hold) => hold.field);
      audit({
        action: auditAction,
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        details: {
          fields,
          current: Object.fromEntries(fields.map((field) => [field, user[field] ?? null])),
          changedBy: holds.map((hold) => ({ field: hold.field, byId: hold.byId, at: hold.at })),
        },
      });
      return { userId: user.id, approved: fields };
    },
    ability,
  );
}
