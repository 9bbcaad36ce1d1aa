import type { Actor } from '../../../authz/actor.ts';
import { asUserSubject, authorize } from '../../../authz/index.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import { labelOf, loadUser } from '../../../directory/users/common.ts';
import { conflict, unprocessable } from '../../../shared/errors.ts';
import type { Services } from '../../../shared/services.ts';
import { loadScheduled, presentScheduled } from './present.ts';
import type { CreateScheduledBody, ScheduledChangeView } from './schemas.ts';

/** The source id of changes scheduled by hand. */
export const MANUAL_SOURCE_ID = 'manual';

/**
 * Schedules a leaver's deactivation by hand for the end of `date` in the company's time zone.
 * HR data (termination_date) is left alone; an HR feed that later gives a date moves this change
 * to HR's day, and an HR feed without a date leaves it in place.
 */
export function scheduleDeactivation(
  services: Services,
  actor: Actor,
  input: CreateScheduledBody,
): Promise<ScheduledChangeView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    const auditAction = 'scheduled_change.created';
    authorize(ability, 'create', 'ScheduledChange', {
      auditAction,
      targetType: 'user',
      targetId: input.userId,
    });
    const user = await loadUser(em, input.userId);
    authorize(ability, 'deactivate', asUserSubject(user), {
      auditAction,
      targetType: 'user',
      targetId: user.id,
      targetLabel: labelOf(user),
    });
    if (user.status === 'deactivated')
      throw conflict('already_deactivated', 'This person is already deactivated');
    const now = services.now();
    const timeZone = services.config.hr.timeZone;
    const [inserted] = await em.execute<{ id: string; past: boolean }[]>(
      `with at as (select ((?::date + 1)::timestamp at time zone ?::text) as effective_at)
       insert into scheduled_change (id, user_id, kind, effective_date, effective_at, source_id,
         reason, created_at, created_by, created_by_id, updated_at)
       select gen_random_uuid(), ?, 'deactivate', ?::date, at.effective_at, ?, ?, ?::timestamptz,
              ?, ?::uuid, ?::timestamptz
         from at where at.effective_at > ?::timestamptz
       on conflict do nothing
       returning id`,
      [
        input.date,
        timeZone,
        user.id,
        input.date,
        MANUAL_SOURCE_ID,
        input.reason ?? null,
        now.toISOString(),
        actor.label,
        actor.userId,
        now.toISOString(),
        now.toISOString(),
      ],
    );
    if (!inserted) {
      const [live] = await em.execute<{ id: string }[]>(
        `select id from scheduled_change where user_id = ? and kind = 'deactivate'
            and cancelled_at is null and fired_at is null`,
        [user.id],
      );
      if (live)
        throw conflict(
          'already_scheduled',
          'This person already has a scheduled deactivation; cancel it first',
        );
      throw unprocessable('date_in_past', `The end of ${input.date} (${timeZone}) has passed`, {
        errors: [{ path: 'date', message: 'must be today or later', code: 'must_be_future' }],
        date: input.date,
        timeZone,
      });
    }
    const row = await loadScheduled(em, inserted.id);
    const view = presentScheduled(row);
    audit({
      action: auditAction,
      targetType: 'user',
      targetId: user.id,
      targetLabel: labelOf(user),
      reason: input.reason ?? null,
      details: {
        kind: view.kind,
        effectiveDate: view.effectiveDate,
        effectiveAt: view.effectiveAt,
        sourceId: MANUAL_SOURCE_ID,
        scheduledChangeId: view.id,
      },
    });
    return view;
  });
}

/** Cancels a live scheduled change (one made by hand or by an HR feed). 409 if not live. */
export function cancelScheduledChange(
  services: Services,
  actor: Actor,
  id: string,
  reason: string | null,
): Promise<ScheduledChangeView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    const auditAction = 'scheduled_change.cancelled';
    authorize(ability, 'delete', 'ScheduledChange', {
      auditAction,
      targetType: 'scheduled_change',
      targetId: id,
    });
    const row = await loadScheduled(em, id, true);
    const user = await loadUser(em, row.user_id);
    authorize(ability, row.kind, asUserSubject(user), {
      auditAction,
      targetType: 'user',
      targetId: user.id,
      targetLabel: labelOf(user),
    });
    if (row.cancelled_at !== null || row.fired_at !== null)
      throw conflict(
        'scheduled_change_not_live',
        'This change has already fired or been cancelled',
      );
    const now = services.now().toISOString();
    await em.execute(
      `update scheduled_change set cancelled_at = ?::timestamptz, cancelled_by = ?,
              updated_at = ?::timestamptz where id = ?`,
      [now, actor.label, now, id],
    );
    const view = presentScheduled(await loadScheduled(em, id));
    audit({
      action: auditAction,
      targetType: 'user',
      targetId: user.id,
      targetLabel: labelOf(user),
      reason,
      details: {
        kind: view.kind,
        effectiveDate: view.effectiveDate,
        effectiveAt: view.effectiveAt,
        sourceId: view.sourceId,
        scheduledChangeId: view.id,
      },
    });
    return view;
  });
}
