import { useRecordContext } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';
import { ActorName, nameOf, PersonLink } from '../../components/PersonName';
import { useAuditWords } from './labels';

/** Props shared by the audit fields (react-admin reads `label` for the column header). */
export interface AuditFieldProps {
  label?: string;
  sortable?: boolean;
}

/** The action of an audit event, in words (the code is in the export and the SIEM stream). */
export function ActionField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  const words = useAuditWords();
  if (!record) return null;
  return <span>{words.action(record.action)}</span>;
}

/**
 * Who did it: a person by their current «Фамилия Имя Отчество» with a link to their card (the
 * login the event recorded beneath), anything else as its kind and label.
 */
export function ActorField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  if (!record) return null;
  const { actor } = record;
  return (
    <ActorName
      id={actor.id}
      label={actor.label}
      kind={actor.kind ?? (actor.id ? 'person' : 'system')}
      name={actor.person ? nameOf(actor.person) : null}
    />
  );
}

/** What it was done to: a person by name with a link to their card, else the label. */
export function TargetField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  const words = useAuditWords();
  if (!record) return null;
  const { target } = record;
  // An event about another event is labelled with that event's action code: show its words.
  const text =
    target.type === 'AuditEvent' && target.label
      ? words.action(target.label)
      : (target.label ?? target.id ?? '—');
  if (target.type === 'user' && target.id) {
    const name = target.person ? nameOf(target.person) : '';
    return (
      <span>
        <PersonLink person={{ id: target.id, fullName: name || text }} />
        {/* The label the event recorded (their login then), unless it is only a name again. */}
        {name && name !== text && text !== target.person?.displayName && (
          <span style={{ display: 'block', fontSize: 11, opacity: 0.6 }}>{text}</span>
        )}
      </span>
    );
  }
  return <span>{text}</span>;
}
