import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../../../audit/actions.ts';
import type { User, UserStatus } from '../../../../directory/entities.ts';
import { rescheduleFromDates } from '../../schedule/reschedule.ts';
import { SCIM_SOURCE_ID } from '../../source.ts';
import { type ScimRequest, scimActor } from '../context.ts';
import type { UserFields } from './input.ts';
import { activate, dayAhead, dayEnded, deactivate, markStatusSource } from './status.ts';

/** A change the messaging core must hear about (see reconcile/outbox.ts coreEvents). */
export interface CoreChange {
  id: string;
  action: 'create' | 'update' | 'deactivate' | 'reactivate';
  reason: string | null;
}

type Audit = (event: AuditEventInput) => void;

/**
 * The status of a person SCIM creates: deactivated when sent inactive, pending while a hire date
 * is ahead (its scheduled activation makes them active), active otherwise.
 */
export async function initialStatus(
  request: ScimRequest,
  em: EntityManager,
  fields: UserFields,
): Promise<UserStatus> {
  if (fields.active === false) return 'deactivated';
  const { timeZone } = request.services.config.hr;
  if (fields.hireDate && (await dayAhead(em, fields.hireDate, timeZone, request.services.now())))
    return 'pending';
  return 'active';
}

/** Deactivates with the effects of a manual deactivation, audited; returns the core change. */
export async function deactivateAudited(
  request: ScimRequest,
  em: EntityManager,
  user: User,
  reason: string,
  audit: Audit,
): Promise<CoreChange> {
  const before = { status: user.status };
  const sessionsRevoked = await deactivate(em, user, request.services.now(), reason);
  await em.flush();
  await markStatusSource(em, user.id);
  audit({
    action: 'user.deactivated',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.username ?? user.displayName,
    reason,
    diff: { before, after: { status: user.status } },
    details: { sessionsRevoked, source: SCIM_SOURCE_ID, client: request.client.tokenName },
  });
  return { id: user.id, action: 'deactivate', reason };
}

/**
 * Applies SCIM's `active` to an existing person: false deactivates (sessions revoked), true
 * activates a deactivated person, or a pending one whose hire date has come. Absent: unchanged.
 */
export async function applyStatus(
  request: ScimRequest,
  em: EntityManager,
  user: User,
  fields: UserFields,
  audit: Audit,
): Promise<CoreChange[]> {
  const client = request.client.tokenName;
  if (fields.active === false && user.status === 'active')
    return [
      await deactivateAudited(request, em, user, `deactivated by SCIM client ${client}`, audit),
    ];
  if (fields.active !== true || user.status === 'active') return [];
  const { timeZone } = request.services.config.hr;
  const now = request.services.now();
  if (
    user.status === 'pending' &&
    user.hireDate &&
    (await dayAhead(em, user.hireDate, timeZone, now))
  )
    return [];
  const before = { status: user.status };
  const reason = `activated by SCIM client ${client}`;
  activate(user, now, reason);
  await em.flush();
  await markStatusSource(em, user.id);
  audit({
    action: 'user.activated',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.username ?? user.displayName,
    reason,
    diff: { before, after: { status: user.status } },
    details: { source: SCIM_SOURCE_ID, client },
  });
  return [{ id: user.id, action: 'reactivate', reason }];
}

/**
 * After the dates were written: brings the scheduled changes in line (rescheduleFromDates) and
 * deactivates at once a person whose termination date has already ended.
 */
export async function applyDates(
  request: ScimRequest,
  em: EntityManager,
  user: User,
  audit: Audit,
  changes: CoreChange[],
): Promise<void> {
  const { services } = request;
  const actor = scimActor(request);
  const events = await rescheduleFromDates(em, {
    userIds: [user.id],
    sourceId: SCIM_SOURCE_ID,
    actorLabel: actor.label,
    actorId: null,
    now: services.now(),
    timeZone: services.config.hr.timeZone,
  });
  for (const event of events) audit(event);
  const ended =
    user.terminationDate &&
    user.status !== 'deactivated' &&
    (await dayEnded(em, user.terminationDate, services.config.hr.timeZone, services.now()));
  if (ended) {
    const reason = `termination date ${user.terminationDate} has passed (SCIM)`;
    changes.push(await deactivateAudited(request, em, user, reason, audit));
  }
}
