import { Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { ConfigChangeRecord } from '../../api/configChangeTypes';
import { DiffView } from '../audit/DiffView';

/** Only the fields a change touches: an update's diff carries the whole source before and after. */
function changedOnly(diff: ConfigChangeRecord['diff']) {
  const before = diff.before ?? {};
  const after = diff.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  const pick = (side: Record<string, unknown>) =>
    Object.fromEntries(
      fields.filter((field) => field in side).map((field) => [field, side[field]]),
    );
  return { before: pick(before), after: pick(after) };
}

/**
 * What a change does, in words: a sentence («Сотрудник X просит изменить источник каталога
 * «Y»»), the changed fields before and after (secrets are never there: the server redacts them),
 * and what happens to the stored bind password.
 */
export function ChangeDiff({ change }: { change: ConfigChangeRecord }) {
  const translate = useTranslate();
  const password = change.diff.details?.bindPasswordChange;
  return (
    <>
      <Typography variant="body1" sx={{ mb: 1 }} data-testid="change-sentence">
        {translate(`configchange.sentence.${change.operation}`, {
          who: change.requestedBy,
          setting: translate(`configchange.setting.${change.setting}`),
          target: change.targetLabel ?? change.targetId,
        })}
      </Typography>
      {change.operation === 'delete' ? null : (
        <DiffView diff={changedOnly(change.diff)} targetType={change.setting} />
      )}
      {typeof password === 'string' ? (
        <Typography variant="body2" sx={{ mt: 1 }}>
          {translate(`configchange.password.${password}`, { _: password })}
        </Typography>
      ) : null}
    </>
  );
}
