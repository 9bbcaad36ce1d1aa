import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runCommand } from '../../../../commands/runCommand.ts';
import { Space } from '../../../../directory/entities.ts';
import { isUuid, type ScimRequest, scimActor } from '../context.ts';
import { ScimError, scimNotFound } from '../errors.ts';
import { canonicalBody } from '../resourceSchema.ts';
import { GROUP_RESOURCE, groupInput } from './input.ts';
import { getGroup } from './list.ts';
import { changeMembers, memberIds, resolvePeople } from './members.ts';

type Resource = Record<string, unknown>;

/** The wanted state of a group after a request: name, externalId, and member ids. */
export interface GroupChange {
  displayName: string;
  externalId: string | null;
  /** null: members untouched. */
  members: string[] | null;
}

async function lockSpace(em: EntityManager, id: string, ifMatch?: string): Promise<Space> {
  const space = isUuid(id)
    ? await em.findOne(Space, id, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (!space) throw scimNotFound(`Group ${id} not found`);
  if (
    ifMatch &&
    ifMatch !== '*' &&
    !ifMatch.split(',').some((tag) => tag.trim() === `W/"${space.version}"`)
  )
    throw new ScimError(
      412,
      null,
      'The resource has changed (If-Match does not match its version)',
    );
  return space;
}

/**
 * Creates (id null) or changes a space from a SCIM Group in one transaction: name (unique
 * case-insensitively → 409 uniqueness), externalId, and the member difference, set-based.
 * Audited and sent to the messaging core as the back-office space commands do.
 */
export async function saveGroup(
  request: ScimRequest,
  id: string | null,
  change: GroupChange | ((current: GroupChange) => GroupChange),
  ifMatch?: string,
): Promise<Resource> {
  const { services } = request;
  const savedId = await runCommand(services, scimActor(request), async ({ em, audit, emit }) => {
    const existing = id ? await lockSpace(em, id, ifMatch) : null;
    // Members are SCIM ids here; our ids only for the change itself.
    const current = existing ? await memberIds(em, existing.id) : new Map<string, string>();
    const before: GroupChange | null = existing
      ? {
          displayName: existing.name,
          externalId: existing.externalId ?? null,
          members: [...current.keys()],
        }
      : null;
    const wanted = typeof change === 'function' ? change(before as GroupChange) : change;
    const people = wanted.members
      ? await resolvePeople(em, wanted.members)
      : new Map<string, string>();
    const space =
      existing ??
      em.create(Space, {
        id: randomUUID(),
        name: wanted.displayName,
        source: 'scim',
        externalId: wanted.externalId,
      });
    const diffBefore: Record<string, unknown> = {};
    const diffAfter: Record<string, unknown> = {};
    if (existing && existing.name !== wanted.displayName) {
      diffBefore.name = existing.name;
      diffAfter.name = wanted.displayName;
      existing.name = wanted.displayName;
    }
    if (existing && (existing.externalId ?? null) !== wanted.externalId) {
      diffBefore.externalId = existing.externalId ?? null;
      diffAfter.externalId = wanted.externalId;
      existing.externalId = wanted.externalId;
    }
    await em.flush();
    if (!existing || Object.keys(diffAfter).length > 0) {
      audit({
        action: existing ? 'space.updated' : 'space.created',
        targetType: 'Space',
        targetId: space.id,
        targetLabel: space.name,
        diff: existing
          ? { before: diffBefore, after: diffAfter }
          : { after: { name: space.name, externalId: space.externalId ?? null, source: 'scim' } },
        details: { client: request.client.tokenName },
      });
      emit({ type: 'space.upserted', key: space.id, spaceId: space.id, name: space.name });
    }
    if (wanted.members) {
      const want = new Set(wanted.members.map((m) => m.toLowerCase()));
      const add = [...want].filter((m) => !current.has(m)).map((m) => people.get(m) as string);
      const remove = [...current]
        .filter(([scimId]) => !want.has(scimId))
        .map(([, userId]) => userId);
      const event = await changeMembers(em, space, add, remove, services.now(), audit);
      if (event) emit(event);
    }
    return space.id;
  });
  return getGroup(request, savedId);
}

/** POST /Groups. */
export function createScimGroup(request: ScimRequest, body: unknown): Promise<Resource> {
  const input = groupInput.parse(canonicalBody(body, GROUP_RESOURCE));
  return saveGroup(request, null, {
    displayName: input.displayName,
    externalId: input.externalId || null,
    members: (input.members ?? []).map((m) => m.value),
  });
}

/** PUT /Groups/:id (members replaced when sent; absent members clear the group). */
export function replaceScimGroup(
  request: ScimRequest,
  id: string,
  body: unknown,
  ifMatch?: string,
) {
  const input = groupInput.parse(canonicalBody(body, GROUP_RESOURCE));
  return saveGroup(
    request,
    id,
    {
      displayName: input.displayName,
      externalId: input.externalId || null,
      members: (input.members ?? []).map((m) => m.value),
    },
    ifMatch,
  );
}

/**
 * DELETE /Groups/:id: only spaces SCIM created are deleted (with their memberships); a space
 * made in the back office or by a directory is refused with 409, so an IdP cannot remove it.
 */
export async function deleteScimGroup(request: ScimRequest, id: string): Promise<void> {
  await runCommand(request.services, scimActor(request), async ({ em, audit, emit }) => {
    const space = await lockSpace(em, id);
    if (space.source !== 'scim')
      throw new ScimError(
        409,
        null,
        'Only groups created through SCIM can be deleted; this space is managed elsewhere',
      );
    const [count] = await em.execute<{ members: number }[]>(
      'select count(*)::int as members from space_member where space_id = ?',
      [id],
    );
    em.remove(space);
    await em.flush();
    audit({
      action: 'space.deleted',
      targetType: 'Space',
      targetId: id,
      targetLabel: space.name,
      diff: { before: { name: space.name, externalId: space.externalId ?? null } },
      details: { membersRemoved: count?.members ?? 0, client: request.client.tokenName },
    });
    emit({ type: 'space.deleted', key: id, spaceId: id, name: space.name });
  });
}
