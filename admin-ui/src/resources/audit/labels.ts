import { useTranslate } from 'react-admin';
import { useFormat } from '../../format';

/**
 * The dictionary key of an audit action: `sync_run.completed` → `app.audit_action.sync_run_completed`
 * (every dot, not only the first: polyglot would read a dot as one more level of nesting).
 */
export function auditActionKey(action: string): string {
  return `app.audit_action.${action.replaceAll('.', '_')}`;
}

/** The dictionary key of an audit target type: `CoreDelivery` and `core_delivery` read alike. */
export function auditTargetKey(type: string): string {
  const snake = type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return `app.audit_target.${snake}`;
}

/** Which dictionary names the values of an audited field (per target type where they differ). */
function valuePrefix(field: string, targetType: string | null | undefined): string | null {
  if (field === 'status')
    return targetType === 'CoreDelivery' ? 'app.audit_value.delivery_status' : 'app.status';
  const prefixes: Record<string, string> = {
    role: 'app.role',
    door: 'app.door',
    mode: 'app.sync.mode',
    verb: 'bulkjob.verb',
    loginMethod: 'app.login_method',
    source: 'app.source',
    kind: 'app.kind',
    invitation: 'app.invitation.status',
    origin: 'app.sync.origin',
    correlateBy: 'app.sources.correlate',
    reconnect: 'app.sources.reconnect',
    // Issue 18: why a role grant ended.
    cause: 'app.audit_value.grant_cause',
  };
  return prefixes[field] ?? null;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Words for what an audit event records as codes: the action, the target's type, a field name
 * and a field's value. A code without a translation is shown as it is (the test in
 * test/i18n/auditTerms.test.ts keeps that from happening for anything the server writes).
 */
export function useAuditWords() {
  const translate = useTranslate();
  const { dateTime, date } = useFormat();
  return {
    action: (action: string) => translate(auditActionKey(action), { _: action }),
    target: (type: string) => translate(auditTargetKey(type), { _: type }),
    field: (field: string) => translate(`app.audit_field.${field}`, { _: field }),
    /** A key of an event's `details`: its own words, else those of the field of that name. */
    detail: (key: string) =>
      translate(`app.audit_detail.${key}`, {
        _: translate(`app.audit_field.${key}`, {
          // A sync run's or an import's counts (read, create, deactivate…).
          _: translate(`app.sync.count.${key}`, { _: key }),
        }),
      }),
    value: (field: string, value: unknown, targetType?: string | null): string => {
      if (value === undefined) return '';
      if (value === null || value === '') {
        return field === 'role'
          ? translate('app.role.none')
          : `∅ ${translate('app.audit_value.empty')}`;
      }
      if (typeof value === 'boolean')
        return translate(value ? 'ra.boolean.true' : 'ra.boolean.false');
      if (typeof value === 'string') {
        const prefix = valuePrefix(field, targetType);
        if (prefix) return translate(`${prefix}.${value}`, { _: value });
        if (CALENDAR_DATE.test(value)) return date(value);
        if (INSTANT.test(value)) return dateTime(value);
        return value;
      }
      if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
        return value.join(', ');
      return JSON.stringify(value);
    },
  };
}
