import type { EntityManager } from '@mikro-orm/postgresql';
import type { User } from '../../directory/entities.ts';
import { type AddressHold, recentHandAddressChanges } from '../addressHold.ts';
import { everHadCredentials } from '../credentialFacts.ts';
import { type InvitationRow, statusOf } from './state.ts';

/** The facts about a person an invitation looks at. */
export interface Invitee {
  id: string;
  rank: number;
  /** Where the person is: a scoped role reaches them only inside its subtrees. */
  organizationId: string | null;
  label: string;
  displayName: string;
  email: string | null;
  status: User['status'];
  loginMethod: User['loginMethod'];
}

/**
 * Everything the invitation rules decide on for one person, read set-based for any number of
 * people (a single command reads one, a bulk chunk a hundred, with the same statements).
 */
export interface InviteeFacts {
  person: Invitee;
  /** Their invitation row, locked by whoever read it; null: never invited. */
  row: InvitationRow | null;
  /** Ever had a way in (credentialFacts.ts): such a person is never invited. */
  hasCredentials: boolean;
  /** A hand-made change of the e-mail that still holds an invitation, or null. */
  emailHold: AddressHold | null;
}

/** Why a person cannot be invited (the single commands turn these into problems). */
export type InviteRefusal =
  | 'not_found'
  | 'forbidden'
  | 'no_email'
  | 'deactivated'
  | 'suspended'
  | 'login_method'
  | 'already_registered'
  | 'already_invited'
  | 'not_invited';

/**
 * Loads the invitees among `ids` (missing ones are simply absent), in one statement.
 * `lock` takes the people's rows for the rest of the transaction, in id order so that two
 * commands locking overlapping sets of people wait for each other instead of deadlocking. It is
 * FOR NO KEY UPDATE: it serializes with every other change of the person (an update takes the
 * same lock) but not with rows that merely reference them (a queued mail's foreign key), which
 * would deadlock against the sweep, which locks invitations before it queues mail.
 */
export async function loadInvitees(
  em: EntityManager,
  ids: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, Invitee>> {
  if (ids.length === 0) return new Map();
  const rows = await em.execute<
    {
      id: string;
      rank: number;
      organization_id: string | null;
      label: string;
      display_name: string;
      email: string | null;
      status: User['status'];
      login_method: User['loginMethod'];
    }[]
  >(
    `select id, rank, organization_id, coalesce(username, display_name) as label, display_name,
            email, status, login_method
       from app_user where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
      ${options.lock ? 'order by id for no key update' : ''}`,
    [JSON.stringify(ids)],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        rank: row.rank,
        organizationId: row.organization_id,
        label: row.label,
        displayName: row.display_name,
        email: row.email,
        status: row.status,
        loginMethod: row.login_method,
      },
    ]),
  );
}

/** Reads the invitation rows of `userIds` under lock (absent: never invited), in one statement. */
export async function lockInvitationRows(
  em: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, InvitationRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await em.execute<InvitationRow[]>(
    `select * from invitation
      where user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
      order by user_id for update`,
    [JSON.stringify(userIds)],
  );
  return new Map(rows.map((row) => [row.user_id, row]));
}

/**
 * The facts of `people` whose invitation rows the caller has read under lock (`rows`; a person
 * absent from it has none): two statements whatever the number of people.
 */
export async function inviteeFacts(
  em: EntityManager,
  people: readonly Invitee[],
  rows: ReadonlyMap<string, InvitationRow>,
  now: Date,
): Promise<InviteeFacts[]> {
  const ids = people.map((person) => person.id);
  const credentialed = await everHadCredentials(em, ids);
  const holds = await recentHandAddressChanges(em, ids, 'email', now);
  return people.map((person) => ({
    person,
    row: rows.get(person.id) ?? null,
    hasCredentials: credentialed.has(person.id),
    emailHold: holds.get(person.id) ?? null,
  }));
}

/**
 * Why the person may not be invited now, or null: the one rule every door applies (a single
 * invitation, a resend, an approval, a shown link, the sweep, a bulk job). An invitation goes
 * only to someone who has never had a way in: re-inviting a registered person would let whoever
 * controls their (possibly just edited) address take over the account and its chats (issue 14,
 * scope 4). `live`: also refuse while an earlier invitation is still open (a first invite;
 * resends pass false). An address on hold is no refusal: sendInvitations holds the invitation.
 */
export function refusalOf(facts: InviteeFacts, now: Date, live: boolean): InviteRefusal | null {
  const { person, row } = facts;
  if (person.status === 'deactivated') return 'deactivated';
  if (person.status === 'suspended') return 'suspended';
  if (row?.status === 'registered') return 'already_registered';
  // Only a local password is set on the registration page; directory logins need no invitation.
  if (person.loginMethod !== 'password') return 'login_method';
  if (facts.hasCredentials) return 'already_registered';
  if (!person.email) return 'no_email';
  const status = statusOf(row, now);
  if (live && (status === 'invited' || status === 'held')) return 'already_invited';
  return null;
}

/** Facts of a person who may be invited: they have an address to send to. */
export type InvitableFacts = InviteeFacts & { person: Invitee & { email: string } };

/** refusalOf, with the person's address proven present when there is no refusal. */
export function checkInvitee(
  facts: InviteeFacts,
  now: Date,
  live: boolean,
): { refusal: InviteRefusal } | { invitable: InvitableFacts } {
  const refusal = refusalOf(facts, now, live);
  const email = facts.person.email;
  if (refusal || !email) return { refusal: refusal ?? 'no_email' };
  return { invitable: { ...facts, person: { ...facts.person, email } } };
}
