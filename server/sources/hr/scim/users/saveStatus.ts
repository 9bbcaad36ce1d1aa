import type { CommandContext } from '../../../../commands/runCommand.ts';
import type { User, UserStatus } from '../../../../directory/entities.ts';
import { changeStatus, type LifecycleVerb } from '../../../../identity/lifecycle/changeStatus.ts';
import { rescheduleFromDates } from '../../schedule/reschedule.ts';
import { SCIM_SOURCE_ID } from '../../source.ts';
import { type ScimRequest, scimActor } from '../context.ts';
import type { UserFields } from './input.ts';
import { dayAhead, dayEnded } from './status.ts';

/**
 * The status of a person SCIM creates: deactivated when sent inactive, pending while a hire date
 * is ahead (its scheduled activation makes them active), active otherwise.
 */
export async function initialStatus(
  request: ScimRequest,
  ctx: CommandContext,
  fields: UserFields,
): Promise<UserStatus> {
  if (fields.active === false) return 'deactivated';
  const { timeZone } = request.services.config.hr;
  if (
    fields.hireDate &&
    (await dayAhead(ctx.em, fields.hireDate, timeZone, request.services.now()))
  )
    return 'pending';
  return 'active';
}

/** Asks the lifecycle for one SCIM change of `user`, then reloads the entity it changed. */
export async function scimStatusChange(
  request: ScimRequest,
  ctx: CommandContext,
  user: User,
  verb: LifecycleVerb,
  reason: string,
): Promise<void> {
  await changeStatus(ctx, verb, [{ id: user.id }], {
    door: 'scim',
    reason,
    sourceId: SCIM_SOURCE_ID,
    details: { client: request.client.tokenName },
  });
  await ctx.em.refresh(user);
}

/**
 * What SCIM's `active` and the HR extension's `suspended` ask of an existing person:
 * `suspended: true` suspends (and then `active: false` only restates it); `active: false`
 * deactivates; `suspended: false` or `active: true` activate, which the lifecycle refuses for a
 * suspension or deactivation SCIM did not make itself. A pending person whose hire date is ahead
 * stays pending (they read as inactive, so an echoed `active: false` must not deactivate them).
 */
async function askedVerb(
  request: ScimRequest,
  ctx: CommandContext,
  user: User,
  fields: UserFields,
): Promise<LifecycleVerb | null> {
  if (fields.suspended === true) return user.status === 'active' ? 'suspend' : null;
  const { timeZone } = request.services.config.hr;
  const now = request.services.now();
  const startsLater =
    user.status === 'pending' &&
    user.hireDate !== null &&
    user.hireDate !== undefined &&
    (await dayAhead(ctx.em, user.hireDate, timeZone, now));
  if (fields.active === false)
    return user.status === 'deactivated' || startsLater ? null : 'deactivate';
  const lift =
    fields.active === true || (fields.suspended === false && user.status === 'suspended');
  return lift && user.status !== 'active' && !startsLater ? 'activate' : null;
}

const REASON: Record<LifecycleVerb, string> = {
  deactivate: 'deactivated',
  suspend: 'suspended',
  activate: 'activated',
};

/** Applies SCIM's `active` and `suspended` to an existing person through the lifecycle. */
export async function applyStatus(
  request: ScimRequest,
  ctx: CommandContext,
  user: User,
  fields: UserFields,
): Promise<void> {
  const verb = await askedVerb(request, ctx, user, fields);
  if (verb)
    await scimStatusChange(
      request,
      ctx,
      user,
      verb,
      `${REASON[verb]} by SCIM client ${request.client.tokenName}`,
    );
}

/**
 * After the dates were written: brings the scheduled changes in line (rescheduleFromDates) and
 * deactivates at once a person whose termination date has already ended.
 */
export async function applyDates(
  request: ScimRequest,
  ctx: CommandContext,
  user: User,
): Promise<void> {
  const { services } = request;
  const actor = scimActor(request);
  const events = await rescheduleFromDates(ctx.em, {
    userIds: [user.id],
    sourceId: SCIM_SOURCE_ID,
    actorLabel: actor.label,
    actorId: null,
    now: services.now(),
    timeZone: services.config.hr.timeZone,
  });
  for (const event of events) ctx.audit(event);
  const ended =
    user.terminationDate &&
    user.status !== 'deactivated' &&
    (await dayEnded(ctx.em, user.terminationDate, services.config.hr.timeZone, services.now()));
  if (ended)
    await scimStatusChange(
      request,
      ctx,
      user,
      'deactivate',
      `termination date ${user.terminationDate} has passed (SCIM)`,
    );
}
