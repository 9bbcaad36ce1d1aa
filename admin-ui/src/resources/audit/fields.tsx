import { useLocaleState, useRecordContext, useTranslate } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';
import { ActorName, nameOf, PersonLink } from '../../components/PersonName';
import { reasonNotesOf, reasonText } from '../../components/serviceReason';
import { sourceName } from '../../components/sourceName';
import { useFormat } from '../../format';
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

// Targets whose label is a directory source's id: the service's own sources read as words.
const SOURCE_TARGETS = new Set(['sync_run', 'directory_source']);

/** An event's target as words: another event by its action, a source by its name, else the label. */
export function targetText(
  target: AuditEventRecord['target'],
  action: (code: string) => string,
  translate: (key: string, options?: Record<string, unknown>) => string,
): string {
  if (!target.label) return target.id ?? '—';
  // An event about another event is labelled with that event's action code: show its words.
  if (target.type === 'AuditEvent') return action(target.label);
  if (target.type && SOURCE_TARGETS.has(target.type)) return sourceName(target.label, translate);
  return target.label;
}

/** What it was done to: a person by name with a link to their card, else the label. */
export function TargetField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  const words = useAuditWords();
  const translate = useTranslate();
  if (!record) return null;
  const { target } = record;
  const text = targetText(target, words.action, translate);
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

/** Why: a reason typed by a person as typed, one the service wrote in words (serviceReason.ts). */
export function ReasonField(_props: AuditFieldProps) {
  const record = useRecordContext<AuditEventRecord>();
  const translate = useTranslate();
  const { date } = useFormat();
  const [locale] = useLocaleState();
  if (!record?.reason) return null;
  const coded = { notes: reasonNotesOf(record.details), locale };
  return <span>{reasonText(record.reason, translate, date, coded)}</span>;
}
