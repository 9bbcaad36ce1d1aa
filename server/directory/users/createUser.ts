import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { User } from '../entities.ts';
import { loadCorePerson } from '../people/corePerson.ts';
import { labelOf, pick, requireInitiator } from './common.ts';
import { presentOne, type UserView } from './presentUser.ts';
import type { createUserBody } from './schemas.ts';
import { PROFILE_FIELDS } from './sourceOwnership.ts';

/**
 * What a new person is created with (`POST /users`): the initiator as free text or as a person
 * of the directory (validated to exist), and `pending` unless the caller activates them at once.
 */
export type CreateUserInput = z.infer<typeof createUserBody>;

/** Adds a person by hand (source `manual`), recording who added them. */
export function createUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  input: CreateUserInput,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      const attempt = { auditAction: 'user.created', targetType: 'user' } as const;
      authorize(ability, 'create', 'User', attempt);
      const id = randomUUID();
      // Where the person will be: a scoped role adds people inside its subtrees only (issue 18).
      authorize(
        ability,
        'create',
        asUserSubject({ id, rank: 0, organizationId: input.organizationId ?? null }),
        attempt,
      );
      await requireInitiator(em, input.initiatedById);
      const status = input.status ?? 'pending';
      const now = services.now();
      const user = em.create(User, {
        id,
        username: input.username ?? null,
        familyName: input.familyName,
        givenName: input.givenName,
        middleName: input.middleName ?? null,
        displayName: input.displayName ?? `${input.givenName} ${input.familyName}`,
        email: input.email ?? null,
        phone: input.phone ?? null,
        title: input.title ?? null,
        organizationId: input.organizationId ?? null,
        initiatedBy: input.initiatedBy ?? null,
        initiatedById: input.initiatedById ?? null,
        status,
        statusChangedAt: status === 'active' ? now : null,
        statusChangedById: status === 'active' ? actor.userId : null,
        role: null,
        rank: 0,
        source: 'manual',
        addedById: actor.userId,
      });
      // Flush now so unique and foreign-key violations surface before the view is built.
      await em.flush();
      audit({
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        diff: { after: pick(user, [...PROFILE_FIELDS, 'status', 'source']) },
      });
      const person = await loadCorePerson(em, user);
      if (person) emit({ type: 'person.upserted', key: user.id, person });
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
