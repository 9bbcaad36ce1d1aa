import type PgBoss from 'pg-boss';
import { systemActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { loadInvitees, refusalOf, type SendKind, sendInvitation } from './send.ts';
import type { InvitationLocale, InvitationRow } from './state.ts';

/** The pg-boss queue of the invitation sweep (reminders, holds that passed). */
export const SWEEP_QUEUE = 'invitations-sweep';
/** People per transaction of the sweep. */
const CHUNK = 200;

/** What one sweep did. */
export interface SweepResult {
  reminded: number;
  released: number;
  skipped: number;
}

/**
 * One pass of the invitation sweep, as the system:
 * - the one reminder: an invitation sent `invitations.remindAfterDays` ago or more that was not
 *   used (expired ones too: a reminder is for those who did not register) and not yet reminded
 *   gets a fresh link by mail (`invitation.reminded`); a resend re-arms the reminder;
 * - a held invitation whose 24 h hold has passed is sent, unless the address changed by hand
 *   again (then it is held anew).
 * Everyone is checked again first (registered, deactivated meanwhile: left, counted skipped).
 */
export async function sweepInvitations(services: Services): Promise<SweepResult> {
  const result: SweepResult = { reminded: 0, released: 0, skipped: 0 };
  const days = services.config.invitations.remindAfterDays;
  for (const kind of ['reminder', 'invite'] as const) {
    if (kind === 'reminder' && days === 0) continue;
    for (;;) {
      const done = await runCommand(services, systemActor('invitations'), async (ctx) => {
        const now = services.now();
        const rows =
          kind === 'reminder'
            ? await ctx.em.execute<InvitationRow[]>(
                `select * from invitation where status = 'invited' and reminded_at is null
                    and last_sent_at <= ? order by last_sent_at limit ? for update skip locked`,
                [new Date(now.getTime() - days * 86_400_000), CHUNK],
              )
            : await ctx.em.execute<InvitationRow[]>(
                `select * from invitation where status = 'held' and held_until <= ?
                  order by held_until limit ? for update skip locked`,
                [now, CHUNK],
              );
        const people = await loadInvitees(
          ctx.em,
          rows.map((row) => row.user_id),
        );
        for (const row of rows) {
          const person = people.get(row.user_id);
          const refusal = person ? await refusalOf(ctx.em, person, row, now, false) : 'not_found';
          if (!person || refusal || !person.email) {
            // Left as it is, but never picked again by this sweep.
            await ctx.em.execute(
              kind === 'reminder'
                ? 'update invitation set reminded_at = ? where user_id = ?'
                : `update invitation set status = 'revoked', held_until = null, revoked_at = ?
                    where user_id = ?`,
              [now, row.user_id],
            );
            result.skipped += 1;
            continue;
          }
          const sendKind: SendKind = kind;
          await sendInvitation(
            ctx,
            { ...person, email: person.email },
            {
              kind: sendKind,
              byId: row.last_invited_by_id,
              locale: row.locale as InvitationLocale,
            },
          );
          if (kind === 'reminder') result.reminded += 1;
          else result.released += 1;
        }
        return rows.length;
      });
      if (done < CHUNK) break;
    }
  }
  return result;
}

/**
 * Registers the sweep on a started pg-boss: every 15 minutes (one job per slot however many
 * processes run) and once at start. `ensureQueue` creates the queue safely across processes.
 */
export async function startInvitationSweepJob(
  services: Services,
  boss: PgBoss,
  ensureQueue: (services: Services, boss: PgBoss, name: string) => Promise<void>,
): Promise<void> {
  await ensureQueue(services, boss, SWEEP_QUEUE);
  await boss.schedule(SWEEP_QUEUE, '*/15 * * * *', {});
  await boss.work(SWEEP_QUEUE, async () => {
    const result = await sweepInvitations(services);
    if (result.reminded + result.released + result.skipped > 0)
      services.logger.info(result, 'invitation sweep');
  });
  await boss.send(SWEEP_QUEUE, {});
}
