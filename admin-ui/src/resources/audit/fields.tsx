import { useRecordContext } from 'react-admin';
import { Link } from 'react-router-dom';
import type { AuditEventRecord } from '../../api/types';
import { useAuditWords } from './labels';

/** Props shared by the audit fields (react-admin reads `label` for the column header). */
export interface AuditFieldProps {
  label?: string;
  sortable?: boolean;
}

/** The action of an audit event: its readable name when known, with the code beneath. */
export function ActionField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  const words = useAuditWords();
  if (!record) return null;
  return <span>{words.action(record.action)}</span>;
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
