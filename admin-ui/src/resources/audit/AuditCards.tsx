import { SimpleList, useTranslate } from 'react-admin';
import type { AuditEventRecord } from '../../api/types';
import { useFormat } from '../../format';

/** The audit log on a phone: one card per event (what; who to whom, why, when, how it ended). */
export function AuditCards() {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  return (
    <SimpleList<AuditEventRecord>
      data-testid="audit-cards"
      rowClick="show"
      primaryText={(record) =>
        translate(`app.audit_action.${record.action.replace('.', '_')}`, { _: record.action })
      }
      secondaryText={(record) =>
        [
          [record.actor.label, record.target.label ?? record.target.id].filter(Boolean).join(' → '),
          record.reason,
          `${dateTime(record.at)} · ${translate(`app.outcome.${record.outcome}`)}`,
        ]
          .filter(Boolean)
          .join(' · ')
      }
      sx={{ '& .MuiListItemText-root': { overflowWrap: 'anywhere' } }}
    />
  );
}
