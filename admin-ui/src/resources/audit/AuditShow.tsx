import { Box } from '@mui/material';
import { Show, useLocaleState, useRecordContext, useTranslate } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';
import { Row, Section } from '../../components/Section';
import { reasonNotesOf, reasonText } from '../../components/serviceReason';
import { useFormat } from '../../format';
import { DetailsView } from './DetailsView';
import { DiffView } from './DiffView';
import { ActionField, ActorField, TargetField } from './fields';
import { useAuditWords } from './labels';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function Body() {
  const record = useRecordContext<AuditEventRecord>();
  const translate = useTranslate();
  const { dateTime, date } = useFormat();
  const words = useAuditWords();
  const [locale] = useLocaleState();
  if (!record) return null;
  const f = (field: string) => translate(`resources.audit-events.fields.${field}`);
  const coded = reasonNotesOf(record.details);
  // The reason's coded phrases are said in the reason's row, not again as details.
  const details =
    coded && isRecord(record.details)
      ? Object.fromEntries(Object.entries(record.details).filter(([key]) => key !== 'reasonNotes'))
      : record.details;
  const hasDetails = details !== null && details !== undefined;
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }}>
      <Section title={`${f('id')} ${record.id}`}>
        <Row label={f('at')}>{dateTime(record.at)}</Row>
        <Row label={f('actor')}>
          <ActorField />
          {record.actor.role &&
            ` (${translate(`app.role.${record.actor.role}`, { _: record.actor.role })})`}
        </Row>
        <Row label={f('action')}>
          <ActionField />
        </Row>
        <Row label={f('target')}>
          <TargetField />
          {record.target.type && ` · ${words.target(record.target.type)}`}
        </Row>
        <Row label={f('outcome')}>
          {translate(`app.outcome.${record.outcome}`, { _: record.outcome })}
        </Row>
        <Row label={f('reason')}>
          {reasonText(record.reason, translate, date, { notes: coded, locale })}
        </Row>
        <Row label={f('ip')}>{record.ip}</Row>
        <Row label={f('requestId')}>{record.requestId}</Row>
      </Section>
      <Section title={translate('app.audit.diff')}>
        <DiffView diff={record.diff} targetType={record.target.type} />
      </Section>
      {hasDetails && (
        <Section title={translate('app.audit.details')} wide>
          {isRecord(details) ? (
            <DetailsView details={details} targetType={record.target.type} />
          ) : (
            <Box component="pre" sx={{ fontSize: 12, whiteSpace: 'pre-wrap', m: 0 }}>
              {JSON.stringify(details, null, 2)}
            </Box>
          )}
        </Section>
      )}
    </Box>
  );
}

/** One audit event with a readable before/after view of what changed. */
export default function AuditShow() {
  return (
    <Show>
      <Body />
    </Show>
  );
}
