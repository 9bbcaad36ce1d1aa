import { SimpleList, useLocaleState, useTranslate } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';
import { actorWords, nameOf } from '../../components/PersonName';
import { reasonNotesOf, reasonText } from '../../components/serviceReason';
import { useFormat } from '../../format';
import { targetText } from './fields';
import { useAuditWords } from './labels';

/** The audit log on a phone: one card per event (what; who to whom, why, when, how it ended). */
export function AuditCards() {
  const translate = useTranslate();
  const { dateTime, date } = useFormat();
  const [locale] = useLocaleState();
  const words = useAuditWords();
  // A card is one link to the event: names are plain text here, not links of their own.
  const actor = ({ actor }: AuditEventRecord) =>
    actor.person
      ? nameOf(actor.person)
      : actor.id
        ? actor.label
        : actorWords(actor.label, actor.kind ?? 'system', translate);
  const target = (record: AuditEventRecord) =>
    record.target.person
      ? nameOf(record.target.person)
      : targetText(record.target, words.action, translate);
  return (
    <SimpleList<AuditEventRecord>
      data-testid="audit-cards"
      rowClick="show"
      primaryText={(record) => words.action(record.action)}
      secondaryText={(record) =>
        [
          [actor(record), record.target.label || record.target.id ? target(record) : null]
            .filter(Boolean)
            .join(' → '),
          reasonText(record.reason, translate, date, {
            notes: reasonNotesOf(record.details),
            locale,
          }),
          `${dateTime(record.at)} · ${translate(`app.outcome.${record.outcome}`)}`,
        ]
          .filter(Boolean)
          .join(' · ')
      }
      sx={{ '& .MuiListItemText-root': { overflowWrap: 'anywhere' } }}
    />
  );
}
