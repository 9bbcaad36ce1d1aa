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
  const decided = await invitePeople(
    ctx,
    items.map((item) => item.user_id),
    locale,
    { door: 'bulk', batchId },
  );
  const results: ItemResult[] = items.map((item) => {
    const one = decided.get(item.user_id);
    return {
      position: item.position,
      label: one?.label ?? null,
      outcome: one?.outcome ?? 'skipped',
      code: one ? one.code : 'not_found',
    };
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

/** What a bulk invitation did for one person. */
export interface PersonInvited {
  label: string | null;
  outcome: 'invited' | 'skipped';
  /** Why skipped (`no_email`, `forbidden`, `not_found`...), or `held` for a held invitation. */
  code: string | null;
}

/**
 * Invites `userIds` inside the caller's transaction, set-based: a constant number of
 * statements whatever their number — the people (locked), their invitation rows (locked), their
 * credential and address-hold facts, the held invitations, the new tokens, the mails, and the
 * audit the runner appends at commit. Each person is decided by the rules a single invitation
 * applies (`refusalOf`, the hold in `sendInvitations`), so every door refuses alike; a person
 * the caller may not invite is skipped as `forbidden` with a denied audit event (`details` go
 * into it). The bulk invitation and the people list's bulk jobs both call it per chunk.
 */
export async function invitePeople(
  ctx: CommandContext,
  userIds: readonly string[],
  locale: InvitationLocale,
  details: Record<string, unknown>,
): Promise<Map<string, PersonInvited>> {
  const now = ctx.services.now();
  // Person before invitation, as the single commands lock them (target.ts): no deadlock between.
  const people = await loadInvitees(ctx.em, [...new Set(userIds)], { lock: true });
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

  // Each person once (sendInvitations writes each person once per statement).
  const results = new Map<string, PersonInvited>();
  const sends: { send: InvitationSend; result: PersonInvited }[] = [];
  for (const id of new Set(userIds)) {
    const person = people.get(id);
    const fact = facts.get(id);
    const result: PersonInvited = { label: person?.label ?? null, outcome: 'skipped', code: null };
    results.set(id, result);
    if (!person) result.code = 'not_found';
    else if (!fact) {
      ctx.audit({
        action: 'invitation.sent',
        outcome: 'denied',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
        details: { ...details, errorCode: 'forbidden' },
      });
      result.code = 'forbidden';
      // Someone the caller may not even see (outside their scope) keeps their name out of it.
      if (!ctx.ability.can('read', asUserSubject(person))) result.label = null;
    } else {
      const checked = checkInvitee(fact, now, true);
      if ('refusal' in checked) result.code = checked.refusal;
      else
        sends.push({
          send: {
            invitee: checked.invitable,
            kind: 'invite',
            byId: ctx.actor.userId,
            locale,
            details,
          },
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

  return results;
}
