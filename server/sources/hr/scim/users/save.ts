import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runCommand } from '../../../../commands/runCommand.ts';
import { User } from '../../../../directory/entities.ts';
import { ForbiddenError } from '../../../../shared/errors.ts';
import {
  SOURCED_FIELDS,
  type SourcedField,
  writableFields,
} from '../../../../shared/precedence.ts';
import { coreEvents } from '../../../reconcile/outbox.ts';
import { SCIM_SOURCE_ID } from '../../source.ts';
import { isUuid, type ScimRequest, scimActor } from '../context.ts';
import { ScimError, scimNotFound } from '../errors.ts';
import type { UserFields } from './input.ts';
import { organizationIdByName } from './organization.ts';
import { loadUserResource } from './read.ts';
import { applyDates, applyStatus, initialStatus } from './saveStatus.ts';

/** The profile fields of app_user a SCIM User writes, with the sourced field that owns each. */
const PROFILE: [keyof UserFields & keyof User, SourcedField][] = [
  ['username', 'username'],
  ['familyName', 'familyName'],
  ['givenName', 'givenName'],
  ['middleName', 'middleName'],
  ['displayName', 'displayName'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['title', 'title'],
];

/** Back-office accounts (admins, auditors, superadmins) are out of SCIM's reach. */
const MAX_RANK = 1;

/** Loads a person for a change, locked; 404 and 403 (rank) and 412 (If-Match) here. */
export async function lockUser(
  em: EntityManager,
  id: string,
  ifMatch: string | undefined,
  action: 'user.updated' | 'user.deactivated',
): Promise<User> {
  const user = isUuid(id)
    ? await em.findOne(User, id, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (!user) throw scimNotFound(`User ${id} not found`);
  if (user.rank > MAX_RANK)
    throw new ForbiddenError(
      { action, targetType: 'user', targetId: id, targetLabel: user.username ?? user.displayName },
      'SCIM clients may not change back-office accounts (staff only and below)',
      'scim_forbidden',
    );
  if (
    ifMatch &&
    ifMatch !== '*' &&
    !ifMatch.split(',').some((tag) => tag.trim() === `W/"${user.version}"`)
  )
    throw new ScimError(
      412,
      null,
      'The resource has changed (If-Match does not match its version)',
    );
  return user;
}

/**
 * Creates (id null) or replaces a person from a SCIM User, in one transaction: profile fields
 * (only those HR wins when the person is also linked to a directory, see shared/precedence.ts), the
 * department, employee number and SCIM externalId, the status (active), and the dates with their
 * scheduled changes. Audited and sent to the messaging core like the manual commands.
 */
export function saveUser(
  request: ScimRequest,
  id: string | null,
  fields: UserFields,
  ifMatch?: string,
): Promise<{ resource: Record<string, unknown>; created: boolean }> {
  const { services } = request;
  return runCommand(services, scimActor(request), async (ctx) => {
    const { em, audit, emit } = ctx;
    const now = services.now();
    const existing = id ? await lockUser(em, id, ifMatch, 'user.updated') : null;
    const linked = existing?.sourceId != null;
    const allowed = new Set<SourcedField>(
      linked ? writableFields('hr', true, services.config.hr.precedence) : SOURCED_FIELDS,
    );
    const user =
      existing ??
      em.create(User, {
        id: randomUUID(),
        username: fields.username,
        familyName: fields.familyName,
        givenName: fields.givenName,
        displayName: fields.displayName,
        status: 'active',
        statusChangedAt: now,
        role: null,
        rank: 0,
        source: 'scim',
        loginMethod: 'password',
        hrSourceId: SCIM_SOURCE_ID,
        initiatedBy: `SCIM (${request.client.tokenName})`,
      });
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const set = <K extends keyof User>(key: K, value: User[K]) => {
      if ((user[key] ?? null) === (value ?? null)) return;
      before[key as string] = user[key] ?? null;
      after[key as string] = value ?? null;
      user[key] = value;
    };
    for (const [key, field] of PROFILE) if (allowed.has(field)) set(key, fields[key]);
    if (allowed.has('organization'))
      set('organizationId', await organizationIdByName(em, fields.department, audit));
    set('employeeNumber', fields.employeeNumber);
    set('scimExternalId', fields.externalId);
    if (!user.hrSourceId) set('hrSourceId', SCIM_SOURCE_ID);
    const datesChanged =
      (allowed.has('hireDate') && (user.hireDate ?? null) !== fields.hireDate) ||
      (allowed.has('terminationDate') && (user.terminationDate ?? null) !== fields.terminationDate);
    if (allowed.has('hireDate')) set('hireDate', fields.hireDate);
    if (allowed.has('terminationDate')) set('terminationDate', fields.terminationDate);
    if (!existing) {
      user.status = await initialStatus(request, ctx, fields);
      if (user.status !== 'active') user.statusReason = 'created by SCIM';
      // A new person's audit shows every value it was created with.
      for (const [key] of PROFILE) after[key] = user[key] ?? null;
      after.status = user.status;
    }
    await em.flush();
    const label = user.username ?? user.displayName;
    if (!existing || Object.keys(after).length > 0)
      audit({
        action: existing ? 'user.updated' : 'user.created',
        targetType: 'user',
        targetId: user.id,
        targetLabel: label,
        diff: existing ? { before, after } : { after },
        details: {
          source: SCIM_SOURCE_ID,
          client: request.client.tokenName,
          linkedToDirectory: linked,
        },
      });
    // The core hears of the profile first, then of any status change the lifecycle makes.
    const profile = !existing ? 'create' : Object.keys(after).length > 0 ? 'update' : null;
    if (profile)
      for (const event of await coreEvents(em, [{ id: user.id, action: profile }])) emit(event);
    if (existing) await applyStatus(request, ctx, user, fields);
    if (datesChanged || (!existing && (user.hireDate || user.terminationDate)))
      await applyDates(request, ctx, user);
    return { resource: await loadUserResource(em, user.id, request.origin), created: !existing };
  });
}
