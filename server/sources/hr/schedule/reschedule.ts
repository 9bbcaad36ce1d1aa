import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../../audit/actions.ts';

/** Who and what is rescheduling: the channel that wrote the dates, inside its transaction. */
export interface RescheduleInput {
  /** People whose hire_date / termination_date were just written (set-based: one call per batch). */
  userIds: string[];
  /** The HR channel that wrote them ('hr-import', 'scim') or 'manual'. */
  sourceId: string;
  /** Actor label for created_by / cancelled_by (e.g. 'source:hr-import', 'scim:workday'). */
  actorLabel: string;
  actorId: string | null;
  now: Date;
  /** IANA zone of the company (config hr.timeZone). */
  timeZone: string;
}

/**
 * Brings the live scheduled changes of `userIds` in line with their stored dates, set-based, in
 * the caller's transaction: a future termination date schedules (or moves) the deactivation for
 * the end of that day in `timeZone`; a future hire date of a pending person schedules the
 * activation for the start of that day; a cleared or past date cancels the live change it had
 * scheduled. Returns the audit events (scheduled_change.created / updated / cancelled) for the
 * caller to record in the same transaction.
 *
 * TO BE IMPLEMENTED (issue 7, scheduled changes): see the helper brief.
 */
export async function rescheduleFromDates(
  em: EntityManager,
  input: RescheduleInput,
): Promise<AuditEventInput[]> {
  void em;
  void input;
  throw new Error('rescheduleFromDates is not implemented yet');
}
