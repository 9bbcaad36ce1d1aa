import { asUserSubject } from '../../authz/index.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import { checkInvitee, inviteeFacts, loadInvitees, lockInvitationRows } from './invitees.ts';
import { type InvitationSend, sendInvitations } from './send.ts';
import type { InvitationLocale } from './state.ts';

/** One person's line in a bulk invitation's results. */
interface ItemResult {
  position: number;
  label: string | null;
  outcome: 'invited' | 'skipped';
  code: string | null;
}

/**
 * Invites the next `size` people of a bulk invitation inside the caller's transaction (one
 * command), set-based: a constant number of statements whatever `size` — the open items, the
 * people (locked), their invitation rows (locked), their credential and address-hold facts, the
 * held invitations, the new tokens, the mails, the per-person results, the progress, and the
 * audit the runner appends at commit. Each person is decided in memory by the rules a single
 * invitation applies (`refusalOf`, the hold in `sendInvitations`), so both doors refuse alike.
 * Returns how many people the chunk held (0: the job is done).
 */
export async function inviteChunk(
  ctx: CommandContext,
  batchId: string,
  locale: InvitationLocale,
  size: number,
): Promise<number> {
  const items = await ctx.em.execute<{ position: number; user_id: string }[]>(
    `select position, user_id from invitation_batch_item
      where batch_id = ? and outcome is null order by position limit ?`,
    [batchId, size],
  );
  if (items.length === 0) return 0;
  const now = ctx.services.now();
  // Person before invitation, as the single commands lock them (target.ts): no deadlock between.
  const people = await loadInvitees(
    ctx.em,
    items.map((item) => item.user_id),
    { lock: true },
  );
  const allowed = [...people.values()].filter((person) =>
    ctx.ability.can('invite', asUserSubject(person)),
  );
  const rows = await lockInvitationRows(
    ctx.em,
    allowed.map((person) => person.id),
  );
  const facts = new Map(
    (await inviteeFacts(ctx.em, allowed, rows, now)).map((fact) => [fact.person.id, fact]),
  );

  // Batch items come from one query over app_user's key, so nobody appears twice in a chunk
  // (sendInvitations writes each person once per statement).
  const results: ItemResult[] = [];
  const sends: { send: InvitationSend; result: ItemResult }[] = [];
  for (const item of items) {
    const person = people.get(item.user_id);
    const fact = facts.get(item.user_id);
    const result: ItemResult = {
      position: item.position,
      label: person?.label ?? null,
      outcome: 'skipped',
      code: null,
    };
    results.push(result);
    if (!person) result.code = 'not_found';
    else if (!fact) {
      ctx.audit({
        action: 'invitation.sent',
        outcome: 'denied',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
        details: { door: 'bulk', batchId, errorCode: 'forbidden' },
      });
      result.code = 'forbidden';
    } else {
      const checked = checkInvitee(fact, now, true);
      if ('refusal' in checked) result.code = checked.refusal;
      else
        sends.push({
          send: { invitee: checked.invitable, kind: 'invite', byId: ctx.actor.userId, locale },
          result,
        });
    }
  }
  const outcomes = await sendInvitations(
    ctx,
    sends.map(({ send }) => send),
  );
  sends.forEach(({ result }, index) => {
    result.outcome = 'invited';
    result.code = outcomes[index]?.status === 'held' ? 'held' : null;
  });

  await ctx.em.execute(
    `update invitation_batch_item b set label = r.label, outcome = r.outcome, code = r.code
       from jsonb_to_recordset(?::jsonb) as r(position int, label text, outcome text, code text)
      where b.batch_id = ? and b.position = r.position`,
    [JSON.stringify(results), batchId],
  );
  const invited = results.filter((result) => result.outcome === 'invited').length;
  await ctx.em.execute(
    `update invitation_batch set processed = processed + ?, invited = invited + ?,
            skipped = skipped + ? where id = ?`,
    [results.length, invited, results.length - invited, batchId],
  );
  return items.length;
}
