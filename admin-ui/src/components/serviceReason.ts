import { noteLines, type PlanNote } from '../api/planNotes.ts';
import { sourceName } from './sourceName.ts';

/**
 * Reasons the service writes itself, in English, into the status history and the audit log (the
 * schedule's «termination date 2026-12-31», a directory source's «deactivated by directory
 * source corp-ad», SCIM's, enrollment's): stored as written, since the audit log is never
 * rewritten, and read here into words of the console's language. A reason a person typed
 * matches none of these and is shown as typed. Each pattern mirrors a writer on the server
 * (named beside it); `test/i18n/serviceReasons.test.ts` checks each against that writer's text.
 */
const SERVICE_REASONS: readonly (readonly [RegExp, string, readonly string[]])[] = [
  // sources/hr/schedule/fire.ts
  [/^termination date reached$/, 'termination_date_reached', []],
  [/^hire date reached$/, 'hire_date_reached', []],
  [/^termination date (\S+)$/, 'termination_date', ['date']],
  [/^hire date (\S+)$/, 'hire_date', ['date']],
  [/^scheduled for (\S+): (.+)$/s, 'scheduled_with_reason', ['date', 'reason']],
  [/^scheduled for (\S+)$/, 'scheduled', ['date']],
  [/^the last active superadmin is never deactivated$/, 'last_superadmin', []],
  [/^already deactivated$/, 'already_deactivated', []],
  [/^no longer pending \((\w+)\)$/, 'no_longer_pending', ['status']],
  // sources/hr/schedule/timeZoneMove.ts
  [/^the company's time zone is (\S+)$/, 'company_time_zone', ['zone']],
  // sources/hr/scim/users/saveStatus.ts and commands.ts
  [/^termination date (\S+) has passed \(SCIM\)$/, 'termination_date_passed_scim', ['date']],
  [/^(deactivated|suspended|activated) by SCIM client (.+)$/s, 'by_scim', ['verb', 'client']],
  [/^deleted by SCIM client (.+)$/s, 'deleted_by_scim', ['client']],
  // sources/reconcile/apply.ts
  [
    /^(deactivated|suspended|activated) by (HR|directory source) (\S+)$/,
    'by_source',
    ['verb', 'kind', 'source'],
  ],
  [/^(HR|directory source) (\S+): gone from the source$/, 'gone_from_source', ['kind', 'source']],
  [/^(HR|directory source) (\S+): (.*)$/s, 'source_says', ['kind', 'source', 'detail']],
  // identity/invitations/completeRegistration.ts, identity/commands/completeEnrollment.ts
  [/^Registered by invitation$/, 'registered_by_invitation', []],
  [/^Enrollment completed$/, 'enrollment_completed', []],
  // identity/people/changeRole.ts
  [/^back-office role changed$/, 'role_changed', []],
];

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * A reason's phrases as the service coded them (a source's plan item's notes, stored with the
 * status change and in its audit event), and the console's locale to say them in.
 */
export interface ReasonNotes {
  notes: readonly PlanNote[] | null | undefined;
  locale: string;
}

// What the audit log writes for a field it redacts.
const REDACTED = '[redacted]';

/**
 * The notes an audit event's details carry for its reason (`reasonNotes`, each `{note, params}`:
 * the log redacts every field named `code`), or null when they are missing, malformed, or lost a
 * param to that redaction (the reason's English line is shown then).
 */
export function reasonNotesOf(details: unknown): PlanNote[] | null {
  if (typeof details !== 'object' || details === null) return null;
  const notes = (details as { reasonNotes?: unknown }).reasonNotes;
  if (!Array.isArray(notes)) return null;
  const coded: PlanNote[] = [];
  for (const item of notes) {
    if (typeof item !== 'object' || item === null) return null;
    const { note, params } = item as { note?: unknown; params?: unknown };
    if (typeof note !== 'string' || typeof params !== 'object' || params === null) return null;
    if (JSON.stringify(params).includes(REDACTED)) return null;
    coded.push({ code: note, params: params as Record<string, unknown> });
  }
  return coded;
}

/** The coded phrases in words, joined as the service joins them; null if any has no words here. */
function notesText(translate: Translate, coded: ReasonNotes | undefined): string | null {
  if (!coded?.notes || coded.notes.length === 0) return null;
  const lines = noteLines(translate, coded.locale, coded.notes, null);
  return lines.length > 0 ? lines.map((line) => line.text).join('; ') : null;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A stored reason as the console shows it: the service's own in words (`app.service_reason.*`,
 * with its verb, source kind and status as words too), anyone's typed reason as it is. What a
 * source said (`source_says`) is its plan item's English line: with `coded`, its notes are said
 * instead (changes recorded before notes were stored keep the English line).
 */
export function reasonText(
  reason: string | null | undefined,
  translate: Translate,
  /** How a calendar day (`2026-12-31`) reads in the console's language. */
  day: (iso: string) => string = (iso) => iso,
  coded?: ReasonNotes,
): string {
  if (!reason) return '';
  for (const [pattern, key, names] of SERVICE_REASONS) {
    const match = pattern.exec(reason);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, index) => {
      const value = match[index + 1] ?? '';
      params[name] =
        name === 'verb'
          ? translate(`app.service_reason.verb.${value}`, { _: value })
          : name === 'kind'
            ? translate(`app.service_reason.kind.${value === 'HR' ? 'hr' : 'directory'}`)
            : name === 'status'
              ? translate(`app.status.${value}`, { _: value })
              : name === 'source'
                ? sourceName(value, translate)
                : name === 'date' && ISO_DAY.test(value)
                  ? day(value)
                  : name === 'detail'
                    ? (notesText(translate, coded) ?? value)
                    : value;
    });
    return translate(`app.service_reason.${key}`, { ...params, _: reason });
  }
  return reason;
}
