import { Box, Typography } from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import { type NoteLine, noteLines } from '../../api/planNotes';
import type { PlanItem } from '../../api/syncTypes';

/**
 * The «Note» of a plan item in the console's language: why the item is what it is (its notes),
 * why it is held back, and how applying it went. Text an older version recorded only in English
 * is shown with a mark saying so.
 */
export function PlanNotes({ item }: { item: PlanItem }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const lines: NoteLine[] = [
    ...noteLines(translate, locale, item.notes, item.reason),
    ...noteLines(translate, locale, item.blockedNote ? [item.blockedNote] : null, item.blocked),
    ...(item.outcome
      ? [
          {
            text: translate(`plan_outcomes.${item.outcome}`, { _: item.outcome }),
            legacy: false,
          },
        ]
      : []),
    ...noteLines(
      translate,
      locale,
      item.outcomeNote ? [item.outcomeNote] : null,
      item.outcomeReason,
    ),
  ];
  if (lines.length === 0) return <>—</>;
  return (
    <Box data-testid="plan-notes">
      {lines.map((line, index) => (
        // The lines of one item never reorder: the index is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Typography key={index} variant="body2" component="div">
          {line.text}
          {line.legacy && (
            <Typography
              component="span"
              variant="caption"
              color="text.secondary"
              data-testid="plan-note-legacy"
            >
              {` (${translate('plan_note_legacy')})`}
            </Typography>
          )}
        </Typography>
      ))}
    </Box>
  );
}
