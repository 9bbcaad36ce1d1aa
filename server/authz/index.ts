import { subject } from '@casl/ability';
import { packRules, rulesToCondition } from '@casl/ability/extra';
import type { FilterQuery } from '@mikro-orm/core';
import { ForbiddenError } from '../shared/errors.ts';
import type {
  Action,
  AppAbility,
  ElevationRequestSubject,
  OrganizationSubject,
  RoleGrantSubject,
  SpaceSubject,
  SubjectName,
  Subjects,
  UserSubject,
} from './abilities.ts';
import type { Role } from './roles.ts';

export * from './abilities.ts';

/**
 * Wraps a person's facts as a CASL `User` subject. `organizationId` is required (issue 18): a row
 * read without it would fall outside every scope, so the compiler finds each such read.
 */
export function asUserSubject(user: {
  id: string;
  rank: number;
  organizationId: string | null | undefined;
}) {
  return subject('User', {
    id: user.id,
    rank: user.rank,
    organizationId: user.organizationId ?? null,
  } satisfies UserSubject);
}

/** Wraps a space as a CASL `Space` subject: a scoped role reaches spaces of its organizations. */
export function asSpaceSubject(space: { id: string; organizationId: string | null }) {
  return subject('Space', {
    id: space.id,
    organizationId: space.organizationId,
  } satisfies SpaceSubject);
}

/** Wraps an organization as a CASL `Organization` subject. */
export function asOrganizationSubject(organization: { id: string }) {
  return subject('Organization', { id: organization.id } satisfies OrganizationSubject);
}

/** Wraps a role change as a CASL `RoleGrant` subject. */
export function asRoleGrant(
  target: { id: string; rank: number; role: Role | null },
  to: Role | null,
) {
  return subject('RoleGrant', {
    targetId: target.id,
    targetRank: target.rank,
    from: target.role ?? 'none',
    to: to ?? 'none',
  } satisfies RoleGrantSubject);
}

/** Wraps an elevation request (issue 18) as a CASL `ElevationRequest` subject. */
export function asElevationRequest(request: { requesterId: string }) {
  return subject('ElevationRequest', {
    requesterId: request.requesterId,
  } satisfies ElevationRequestSubject);
}

/** Describes the audited attempt behind an authorization check. */
export interface AttemptInfo {
  /** The audit action the attempt would have recorded, e.g. `user.deactivated`. */
  auditAction: string;
  targetType?: string;
  targetId?: string;
  targetLabel?: string;
}

/** Throws a ForbiddenError (audited as `denied` by the command runner) unless the ability allows. */
export function authorize(
  ability: AppAbility,
  action: Action,
  target: Subjects,
  attempt: AttemptInfo,
): void {
  if (ability.can(action, target)) return;
  throw new ForbiddenError({
    action: attempt.auditAction,
    targetType: attempt.targetType,
    targetId: attempt.targetId,
    targetLabel: attempt.targetLabel,
  });
}

/**
 * The database filter equivalent to `ability.can(action, <row>)` for every row of a subject type,
 * so that a list never shows what a single read would refuse. `null` means no row at all.
 */
export function accessibleWhere<T extends object>(
  ability: AppAbility,
  action: Action,
  subjectType: SubjectName,
): FilterQuery<T> | null {
  const condition = rulesToCondition(
    ability.rulesFor(action, subjectType),
    (rule) => (rule.inverted ? { $not: rule.conditions } : rule.conditions) as object,
    {
      and: (conditions) => ({ $and: conditions }),
      or: (conditions) => ({ $or: conditions }),
      empty: () => ({}),
    },
  );
  return condition as FilterQuery<T> | null;
}

/** The ability's rules in CASL's packed form, for the admin UI (`GET /api/v1/me`). */
export function packedRulesOf(ability: AppAbility) {
  return packRules(ability.rules);
}

/**
 * The four-eyes rule (issue 14, scope 4): a second person confirms what a first one did (an
 * address changed by hand, an invitation sent to it). Throws 403 `second_approver_required`
 * (audited as `denied`) when the actor is one of `firstIds`.
 */
export function requireSecondPerson(
  actorId: string | null,
  firstIds: readonly (string | null)[],
  attempt: AttemptInfo,
): void {
  if (actorId === null || !firstIds.includes(actorId)) return;
  throw new ForbiddenError(
    {
      action: attempt.auditAction,
      targetType: attempt.targetType,
      targetId: attempt.targetId,
      targetLabel: attempt.targetLabel,
    },
    'A second person must approve: you made the change being approved',
    'second_approver_required',
  );
}
