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

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A stored reason as the console shows it: the service's own in words (`app.service_reason.*`,
 * with its verb, source kind and status as words too), anyone's typed reason as it is.
 */
export function reasonText(
  reason: string | null | undefined,
  translate: Translate,
  /** How a calendar day (`2026-12-31`) reads in the console's language. */
  day: (iso: string) => string = (iso) => iso,
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
                  : value;
    });
    return translate(`app.service_reason.${key}`, { ...params, _: reason });
  }
  return reason;
}
