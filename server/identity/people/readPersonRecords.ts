import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import type { Services } from '../../shared/services.ts';
import { type DeliveryField, heldAddresses } from '../addressHold.ts';
import { type CredentialFacts, credentialFacts } from '../credentialFacts.ts';
import { readStatusHistory, type StatusHistoryEntry } from '../lifecycle/statusHistory.ts';

/** Reads something of a person that anyone who may read the person may read. */
function readOfPerson<T>(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  read: (ctx: CommandContext) => Promise<T>,
): Promise<T> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      requireAnyRight(ability, 'read', 'user.viewed', id);
      const user = await loadUser(ctx.em, id);
      authorize(ability, 'read', asUserSubject(user), {
        auditAction: 'user.viewed',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      return read(ctx);
    },
    ability,
  );
}

/** A person's status changes, newest first, for whoever may read the person. */
export function getStatusHistory(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<StatusHistoryEntry[]> {
  return readOfPerson(services, actor, ability, id, ({ em }) => readStatusHistory(em, id));
}

/** Whether a person has credentials, and the links that disclosed a way in, for their card. */
export function getCredentialFacts(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<CredentialFacts> {
  return readOfPerson(services, actor, ability, id, ({ em }) => credentialFacts(em, id));
}

/** A delivery address whose hand change holds credentials, as the card shows it. */
export interface HeldAddressView {
  field: DeliveryField;
  changedById: string;
  changedAt: string;
  heldUntil: string;
}

/**
 * The person's delivery addresses changed by hand within 24 h and not yet approved by a second
 * person (issue 14, scope 4), for whoever may read the person.
 */
export function getHeldAddresses(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<HeldAddressView[]> {
  return readOfPerson(services, actor, ability, id, async ({ em }) =>
    (await heldAddresses(em, id, services.now())).map((hold) => ({
      field: hold.field,
      changedById: hold.byId,
      changedAt: hold.at.toISOString(),
      heldUntil: hold.until.toISOString(),
    })),
  );
}
