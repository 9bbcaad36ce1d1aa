import type { CommandContext } from '../../commands/runCommand.ts';
import { type ArtefactCounts, NO_ARTEFACTS, revokeArtefacts } from '../sessions/revokeArtefacts.ts';

/** A change of how a person proves who they are. */
export type CredentialChange =
  | 'password_set'
  | 'login_method_changed'
  | 'second_factor_reset'
  | 'credential_disclosed';

/** A person whose credentials change; `username` is their account in the core, if any. */
export interface CredentialHolder {
  id: string;
  username?: string | null;
}

/**
 * The one function every credential change goes through, in the caller's transaction: whatever
 * proved the old credentials (device tokens, back-office sessions, unused enrollment links,
 * pending login and TOTP challenges) ends for every process at commit, and the core is told to
 * end the people's live connections. The caller records its own audit event with the counts.
 */
export async function changeCredentials(
  ctx: CommandContext,
  people: readonly CredentialHolder[],
  change: CredentialChange,
  reason: string | null,
): Promise<Map<string, ArtefactCounts>> {
  const counts = await revokeArtefacts(
    ctx.em,
    people.map((person) => person.id),
    {
      at: ctx.services.now(),
      reason: reason ?? change.replaceAll('_', ' '),
      byId: ctx.actor.userId,
    },
  );
  for (const person of people)
    if (person.username)
      ctx.emit({
        type: 'sessions.revoked',
        key: person.id,
        userId: person.id,
        username: person.username,
        sessionIds: 'all',
      });
  return counts;
}

/** The counts of one person (none when nothing was theirs). */
export function countsOf(counts: Map<string, ArtefactCounts>, id: string): ArtefactCounts {
  return counts.get(id) ?? NO_ARTEFACTS;
}
