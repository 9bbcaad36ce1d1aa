import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { loadCorePerson } from '../people/corePerson.ts';
import { labelOf, loadUser, requireAnyRight, requireInitiator } from './common.ts';
import { notifyOldAddresses } from './notifyAddressChange.ts';
import { ownersOf, presentOne, type UserView } from './presentUser.ts';
import type { ProfileField } from './sourceOwnership.ts';

/** Profile changes; `null` clears an optional field. */
export type ProfileChanges = Partial<Record<ProfileField, string | null>>;

/** A profile edit, guarded by the version the editor last saw. */
export interface UpdateUserInput {
  version: number;
  changes: ProfileChanges;
}

/**
 * Edits a person's profile. Only fields whose value actually changes count, so a form that
 * sends a synced person's unchanged source-owned fields back is accepted.
 */
export function updateUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  input: UpdateUserInput,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      requireAnyRight(ability, 'update', 'user.updated', id);
      const user = await loadUser(em, id);
      authorize(ability, 'update', asUserSubject(user), {
        auditAction: 'user.updated',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      if (input.version !== user.version)
        throw conflict('version_conflict', 'The record was changed by someone else; reload it');
      const changed = (Object.keys(input.changes) as ProfileField[]).filter(
        (field) => (input.changes[field] ?? null) !== (user[field] ?? null),
      );
      // Per person: the linked sources (directory, HR) and which one wins each attribute.
      const precedence = services.config.hr.precedence;
      const owners = ownersOf(user, precedence);
      const ownerOf = (field: ProfileField) =>
        owners[field === 'organizationId' ? 'organization' : field];
      const owned = changed.filter((field) => ownerOf(field) !== undefined);
      if (owned.length > 0) {
        const sources = [...new Set(owned.map(ownerOf))].join(', ');
        throw unprocessable(
          'source_owned_field',
          `These fields are maintained by ${sources} and cannot be edited by hand`,
          { fields: owned, owners: Object.fromEntries(owned.map((f) => [f, ownerOf(f)])) },
        );
      }
      if (changed.length === 0) return presentOne(em, user, precedence);
      if (changed.includes('organizationId'))
        // Moving needs the right where the person is (above) and where they go (issue 18).
        authorize(
          ability,
          'update',
          asUserSubject({ ...user, organizationId: input.changes.organizationId ?? null }),
          {
            auditAction: 'user.updated',
            targetType: 'user',
            targetId: id,
            targetLabel: labelOf(user),
          },
        );
      if (changed.includes('initiatedById'))
        await requireInitiator(em, input.changes.initiatedById);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      // Assigned field by field so only touched columns end up in the versioned UPDATE.
      const target = user as unknown as Record<ProfileField, string | null>;
      for (const field of changed) {
        before[field] = user[field] ?? null;
        after[field] = input.changes[field] ?? null;
        target[field] = input.changes[field] ?? null;
      }
      // The versioned UPDATE fails (409 version_conflict) if someone saved in between.
      await em.flush();
      audit({
        action: 'user.updated',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        diff: { before, after },
      });
      // The old e-mail and phone hear of a hand change (issue 14, scope 4).
      await notifyOldAddresses(em, services, user, { before, after });
      const person = await loadCorePerson(em, user);
      if (person) emit({ type: 'person.upserted', key: user.id, person });
      return presentOne(em, user, precedence);
    },
    ability,
  );
}
