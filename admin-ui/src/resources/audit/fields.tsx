import { useRecordContext, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import type { AuditEventRecord } from '../../api/types';

/** Props shared by the audit fields (react-admin reads `label` for the column header). */
export interface AuditFieldProps {
  label?: string;
  sortable?: boolean;
}

/** The action of an audit event: its readable name when known, with the code beneath. */
export function ActionField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  const translate = useTranslate();
  if (!record) return null;
  const label = translate(`app.audit_action.${record.action.replace('.', '_')}`, {
    _: record.action,
  });
  return (
    <span title={record.action}>
      {label}
      {label !== record.action && (
        <span style={{ display: 'block', fontSize: 11, opacity: 0.6, fontFamily: 'monospace' }}>
          {record.action}
        </span>
      )}
    </span>
  );
}

/** Who did it: a link to the actor's card when it is a person. */
export function ActorField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  if (!record) return null;
  const { actor } = record;
  if (!actor.id) return <span>{actor.label}</span>;
  return (
    <Link to={`/users/${actor.id}/show`} onClick={(e) => e.stopPropagation()}>
      {actor.label}
    </Link>
  );
}

/** What it was done to: type and label. */
export function TargetField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  if (!record) return null;
  const { target } = record;
  const text = target.label ?? target.id ?? '—';
  if (target.type === 'user' && target.id) {
    return (
      <Link to={`/users/${target.id}/show`} onClick={(e) => e.stopPropagation()}>
        {text}
      </Link>
    );
  }
  return <span>{text}</span>;
}
