import type { z } from 'zod';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { accessCondition } from '../../authz/sql.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { Space } from '../entities.ts';
import { labelOf, loadUser, requireAnyRight } from './common.ts';
import { presentOne } from './presentUser.ts';
import type { personCard } from './schemas.ts';

/** The card shows at most this many spaces; a person in more is rare and the space list has paging. */
const CARD_SPACES = 200;

/**
 * A person's card: the list view plus their second factor's state and their spaces (null for
 * those who may not see spaces: staff). The API's card (GET /users/:id, server/routes/users.ts)
 * adds the person's scheduled status changes and what is known of their credentials.
 */
export type PersonCard = z.infer<typeof personCard>;

/** A person's card, including who added them, who last changed their status, 2FA state and spaces. */
export function getUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<PersonCard> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      requireAnyRight(ability, 'read', 'user.viewed', id);
      const user = await loadUser(em, id);
      authorize(ability, 'read', asUserSubject(user), {
        auditAction: 'user.viewed',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      // Sequential: one transaction, one connection, one entity manager.
      const view = await presentOne(em, user, services.config.hr.precedence);
      const factors = await em.execute<{ confirmed_at: Date }[]>(
        'select confirmed_at from totp_factor where user_id = ?',
        [id],
      );
      // Staff may see a person's card but not the Spaces section (DESIGN.md's matrix); a scoped
      // admin sees only the spaces of their subtrees (issue 18).
      const readable = accessCondition(em, ability, 'read', 'Space', Space, 's.id');
      const spaces = ability.can('read', 'Space')
        ? await em.execute<{ id: string; name: string }[]>(
            `select s.id, s.name from space_member m join space s on s.id = m.space_id
             where m.user_id = ? and ${readable.sql}
             order by s.name collate "und-x-icu" limit ${CARD_SPACES}`,
            [id, ...readable.params],
          )
        : null;
      const factor = factors[0];
      return {
        ...view,
        secondFactor: {
          enrolled: factor !== undefined,
          enrolledAt: factor ? new Date(factor.confirmed_at).toISOString() : null,
        },
        spaces: spaces?.map((space) => ({ id: space.id, name: space.name })) ?? null,
      };
    },
    ability,
  );
}
