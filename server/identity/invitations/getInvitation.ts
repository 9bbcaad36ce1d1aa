import { asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { loadInvitees } from './invitees.ts';
import { type InvitationView, readInvitation } from './present.ts';

/** A person's invitation state, for whoever may read the person (auditors included). */
export function getInvitation(
  services: Services,
  auth: Authenticated,
  userId: string,
): Promise<InvitationView> {
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const person = (await loadInvitees(ctx.em, [userId])).get(userId);
      if (!person) throw notFound('User');
      authorize(ctx.ability, 'read', asUserSubject(person), {
        auditAction: 'user.viewed',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
      });
      return readInvitation(ctx.em, userId, services.now());
    },
    auth.ability,
  );
}
