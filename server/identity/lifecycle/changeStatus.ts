import type { AuditEventInput } from '../../audit/actions.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import { executeBound } from '../../db/execute.ts';
import type { UserStatus } from '../../directory/entities.ts';
import { loadCorePeople } from '../../directory/people/corePerson.ts';
import type { OutboxEvent } from '../../outbox/events.ts';
import type { PlanNote } from '../../shared/errorCodes.ts';
import { type ArtefactCounts, NO_ARTEFACTS, revokeArtefacts } from '../sessions/revokeArtefacts.ts';
import type { Door } from './doors.ts';
import { lastSuperadmins, lockBeforeSuperadmins } from './lastSuperadmin.ts';
import { type LifecycleVerb, STATUS_AUDIT_ACTION } from './verbs.ts';

export type { LifecycleVerb } from './verbs.ts';

/** Why a person was left as they were, as a stable code. */
export type SkipCode =
  | 'not_found'
  | 'already_deactivated'
  | 'already_suspended'
  | 'already_active'
  | 'last_superadmin'
  | 'kept_by_hand'
  | 'not_eligible';

/** One person a door names, with what differs from the door's common cause. */
export interface StatusTarget {
  id: string;
  /** This person's reason, if it differs from the cause's. */
  reason?: string | null;
  /**
   * The reason's phrases as registered notes, when it has them (a sync plan item's): stored with
   * the status change and in its audit event (as `{note, params}`), so the console says them in
   * its language.
   */
  reasonNotes?: readonly PlanNote[] | null;
  /** The person credited with this change, if it differs from the acting person. */
  byId?: string | null;
  /** The source whose word it is for this person, if it differs from the cause's. */
  sourceId?: string | null;
  /** Added to this person's audit event. */
  details?: Record<string, unknown>;
}

/** Why the people of one call change status, and through which door. */
export interface StatusCause {
  door: Door;
  reason: string | null;
  /**
   * The source whose word it is (a directory source, an HR channel, `scim`), or null when a
   * person decides. A source lifts only a suspension or deactivation it set itself.
   */
  sourceId: string | null;
  /** Change only people in these statuses (the schedule activates pending people only). */
  from?: readonly UserStatus[];
  /** Added to every audit event of the call. */
  details?: Record<string, unknown>;
}

/** A person whose status changed. */
export interface StatusChanged {
  id: string;
  label: string;
  from: UserStatus;
  to: UserStatus;
  artefacts: ArtefactCounts;
}

/** A person left as they were. */
export interface StatusSkipped {
  id: string;
  label: string | null;
  code: SkipCode;
}

/** What one call changed and left. */
export interface StatusResult {
  changed: StatusChanged[];
  skipped: StatusSkipped[];
}

const TARGET_STATUS: Record<LifecycleVerb, UserStatus> = {
  deactivate: 'deactivated',
  suspend: 'suspended',
  activate: 'active',
};

interface CurrentRow {
  id: string;
  status: UserStatus;
  role: string | null;
  username: string | null;
  label: string;
  status_source: string | null;
  own_status: boolean;
}

/**
 * Why `row` cannot take `verb`, or null when it can. Deactivated outranks suspended; a source
 * lifts only what it set itself (`own_status`), never a person's decision or another source's.
 */
function refusal(
  verb: LifecycleVerb,
  row: CurrentRow,
  sourceId: string | null,
  from: readonly UserStatus[] | undefined,
): SkipCode | null {
  if (from && !from.includes(row.status)) return 'not_eligible';
  if (row.status === 'deactivated' && verb !== 'activate') return 'already_deactivated';
  if (verb === 'suspend' && row.status === 'suspended') return 'already_suspended';
  if (verb === 'activate') {
    if (row.status === 'active') return 'already_active';
    const lifted = row.status === 'suspended' || row.status === 'deactivated';
    if (lifted && sourceId !== null && !(row.status_source === sourceId && row.own_status))
      return 'kept_by_hand';
  }
  return null;
}

// The people named, locked in id order (two doors acting on overlapping sets cannot deadlock).
// `no key update`: the lock the update itself takes, which still lets other transactions insert
// rows referring to these people (history and revocations name the acting person by key).
// own_status: the current status was set by `status_source` and nobody changed it since.
const CURRENT_SQL = `
select id, status, role, username, coalesce(username, display_name) as label, status_source,
       status_source_at is not distinct from status_changed_at as own_status
  from app_user where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
 order by id for no key update`;

/**
 * The status source of a change a person decided (by hand, in bulk, scheduled by hand): never a
 * source's id, so no source lifts it.
 */
export const PERSON_DECIDED = 'manual';

const UPDATE_SQL = `
update app_user u set status = ?, status_changed_at = ?::timestamptz, status_changed_by_id = t.by_id,
       status_reason = left(t.reason, 1000), status_source = coalesce(t.source_id, ?),
       status_source_at = ?::timestamptz, version = u.version + 1, updated_at = ?::timestamptz
  from jsonb_to_recordset(?::jsonb) as t(id uuid, reason text, by_id uuid, source_id text)
 where u.id = t.id`;

const HISTORY_SQL = `
insert into user_status_change (user_id, from_status, to_status, changed_at, actor_id, actor_label,
  door, source_id, reason, reason_notes)
select t.id, t.from_status, ?, ?::timestamptz, t.by_id, ?, ?, t.source_id, left(t.reason, 1000),
       t.reason_notes
  from jsonb_to_recordset(?::jsonb)
    as t(id uuid, from_status text, reason text, by_id uuid, source_id text, reason_notes jsonb)`;

interface Planned {
  row: CurrentRow;
  target: StatusTarget;
  reason: string | null;
  byId: string | null;
  sourceId: string | null;
}

/**
 * The one place a person's status changes, for many people at once, whatever the door: the
 * console, a bulk request, an HR file, SCIM, the schedule, a directory sync, an enrollment. In the
 * caller's transaction it guards the last active superadmin, sets the status, records the
 * status history, ends every credential artefact of the people who lose access, queues the core
 * events and records one audit event per person. A handful of statements however many people.
 */
export async function changeStatus(
  ctx: CommandContext,
  verb: LifecycleVerb,
  targets: readonly StatusTarget[],
  cause: StatusCause,
): Promise<StatusResult> {
  const result: StatusResult = { changed: [], skipped: [] };
  if (targets.length === 0) return result;
  const { em, actor } = ctx;
  const byTarget = new Map(targets.map((target) => [target.id, target]));
  const ids = [...byTarget.keys()];
  if (verb !== 'activate') await lockBeforeSuperadmins(em, ids);
  const rows = await executeBound<CurrentRow>(em, CURRENT_SQL, [JSON.stringify(ids)]);
  const found = new Map(rows.map((row) => [row.id, row]));
  const planned: Planned[] = [];
  for (const target of byTarget.values()) {
    const row = found.get(target.id);
    const sourceId = target.sourceId !== undefined ? target.sourceId : cause.sourceId;
    const code = row ? refusal(verb, row, sourceId, cause.from) : 'not_found';
    if (!row || code) {
      result.skipped.push({ id: target.id, label: row?.label ?? null, code: code ?? 'not_found' });
      continue;
    }
    const reason = target.reason !== undefined ? target.reason : cause.reason;
    const byId = target.byId !== undefined ? target.byId : actor.userId;
    planned.push({ row, target, reason, byId, sourceId });
  }
  const blocked =
    verb === 'activate'
      ? new Set<string>()
      : await lastSuperadmins(
          em,
          planned.map((p) => p.row),
        );
  const going = planned.filter((p) => !blocked.has(p.row.id));
  for (const p of planned)
    if (blocked.has(p.row.id))
      result.skipped.push({ id: p.row.id, label: p.row.label, code: 'last_superadmin' });
  if (going.length === 0) return result;

  const to = TARGET_STATUS[verb];
  const at = ctx.services.now();
  const now = at.toISOString();
  const records = going.map((p) => ({
    id: p.row.id,
    from_status: p.row.status,
    reason: p.reason,
    reason_notes: p.target.reasonNotes ?? null,
    by_id: p.byId,
    source_id: p.sourceId,
  }));
  const json = JSON.stringify(records);
  await executeBound(em, UPDATE_SQL, [to, now, PERSON_DECIDED, now, now, json]);
  await executeBound(em, HISTORY_SQL, [to, now, actor.label, cause.door, json]);
  const artefacts =
    verb === 'activate'
      ? new Map<string, ArtefactCounts>()
      : await revokeArtefacts(
          em,
          going.map((p) => p.row.id),
          { at, reason: cause.reason, byId: actor.userId },
        );

  for (const event of await coreEvents(ctx, verb, going)) ctx.emit(event);
  for (const p of going) {
    const counts = artefacts.get(p.row.id) ?? NO_ARTEFACTS;
    result.changed.push({
      id: p.row.id,
      label: p.row.label,
      from: p.row.status,
      to,
      artefacts: counts,
    });
    const event: AuditEventInput = {
      action: STATUS_AUDIT_ACTION[verb],
      targetType: 'user',
      targetId: p.row.id,
      targetLabel: p.row.label,
      reason: p.reason,
      diff: { before: { status: p.row.status }, after: { status: to } },
      details: {
        door: cause.door,
        ...(p.sourceId ? { sourceId: p.sourceId } : {}),
        ...(p.target.reasonNotes ? { reasonNotes: auditedNotes(p.target.reasonNotes) } : {}),
        ...(verb === 'activate' ? {} : { artefactsRevoked: counts }),
        ...cause.details,
        ...p.target.details,
      },
    };
    ctx.audit(event);
  }
  return result;
}

/**
 * A reason's notes as its audit event keeps them: `{note, params}`, since the log redacts every
 * field named `code` (one-time codes) at any depth.
 */
function auditedNotes(notes: readonly PlanNote[]): { note: string; params: PlanNote['params'] }[] {
  return notes.map(({ code, params }) => ({ note: code, params }));
}

/** What the core must hear, in the order the people were named (one query for everyone). */
async function coreEvents(
  ctx: CommandContext,
  verb: LifecycleVerb,
  going: readonly Planned[],
): Promise<OutboxEvent[]> {
  const provisioned = going.filter((p) => p.row.username !== null);
  if (verb === 'activate') {
    const people = await loadCorePeople(
      ctx.em,
      provisioned.map((p) => p.row.id),
    );
    return people.map((person) => ({ type: 'person.reactivated', key: person.userId, person }));
  }
  const type: 'person.deactivated' | 'person.suspended' =
    verb === 'deactivate' ? 'person.deactivated' : 'person.suspended';
  return provisioned.map(
    (p): OutboxEvent => ({
      type,
      key: p.row.id,
      userId: p.row.id,
      username: p.row.username as string,
      reason: p.reason,
    }),
  );
}
