import type PgBoss from 'pg-boss';
import { systemActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { checkInvitee, inviteeFacts, loadInvitees } from './invitees.ts';
import { type InvitationSend, sendInvitations } from './send.ts';
import type { InvitationRow } from './state.ts';

/** The pg-boss queue of the invitation sweep (reminders, holds that passed). */
export const SWEEP_QUEUE = 'invitations-sweep';
/** People per transaction of the sweep (set-based: a few statements per chunk). */
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
        const facts = await inviteeFacts(
          ctx.em,
          rows.flatMap((row) => people.get(row.user_id) ?? []),
          new Map(rows.map((row) => [row.user_id, row])),
          now,
        );
        const sends: InvitationSend[] = [];
        for (const fact of facts) {
          const checked = checkInvitee(fact, now, false);
          if ('invitable' in checked)
            sends.push({
              invitee: checked.invitable,
              kind,
              byId: fact.row?.last_invited_by_id ?? null,
              locale: fact.row?.locale ?? 'ru',
            });
        }
        const sent = new Set(sends.map((send) => send.invitee.person.id));
        const skipped = rows.filter((row) => !sent.has(row.user_id)).map((row) => row.user_id);
        if (skipped.length > 0)
          // Left as they are, but never picked again by this sweep.
          await ctx.em.execute(
            `update invitation set ${
              kind === 'reminder'
                ? 'reminded_at = ?'
                : `status = 'revoked', held_until = null, revoked_at = ?`
            } where user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
            [now, JSON.stringify(skipped)],
          );
        await sendInvitations(ctx, sends);
        result.skipped += skipped.length;
        if (kind === 'reminder') result.reminded += sends.length;
        else result.released += sends.length;
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
