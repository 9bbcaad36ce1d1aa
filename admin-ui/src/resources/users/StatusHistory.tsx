import {
  Alert,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { HttpError, useLocaleState, useTranslate } from 'react-admin';
import type { StatusChange, UserRecord } from '../../api/types';
import { ActorName, PersonLink } from '../../components/PersonName';
import { Row } from '../../components/Section';
import { StatusChip } from '../../components/StatusChip';
import { reasonText } from '../../components/serviceReason';
import { sourceName } from '../../components/sourceName';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';

/** Who made a change: a person by name with a link to their card, else the kind and label. */
function Who({ change }: { change: StatusChange }) {
  const label = change.actorLabel || change.sourceId || '—';
  if (!change.actorKind) return <>{label}</>;
  return (
    <ActorName id={change.actorId} label={label} kind={change.actorKind} name={change.actorName} />
  );
}

/** The last change as the person's record states it: shown when the history cannot be read. */
function LastChange({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const { dateTime, date } = useFormat();
  const f = (field: string) => translate(`resources.users.fields.${field}`);
  return (
    <>
      <Row label={translate('app.card.current_status')}>
        <StatusChip status={record.status} />
      </Row>
      <Row label={f('statusChangedAt')}>{dateTime(record.statusChangedAt)}</Row>
      <Row label={f('statusChangedBy')}>
        <PersonLink person={record.statusChangedBy} />
      </Row>
      <Row label={f('statusReason')}>{reasonText(record.statusReason, translate, date)}</Row>
    </>
  );
}

/**
 * A person's status history from `GET /users/:id/status-history`, newest first: when, from → to,
 * through which door (and source), who, why. Everyone who may read the person may read it.
 */
export function StatusHistory({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { dateTime, date } = useFormat();
  const dataProvider = useAppDataProvider();
  const { data, isPending, isError } = useQuery({
    // The record's version in the key: a status action on the card (which bumps it) reads it again.
    queryKey: ['users', record.id, 'status-history', record.version],
    queryFn: () => dataProvider.statusHistory(record.id),
    // A refusal or a missing route does not change on a retry: show the last change at once.
    retry: (failures, error) =>
      failures < 2 && !(error instanceof HttpError && error.status >= 400 && error.status < 500),
  });
  if (isPending) return <Skeleton height={80} />;
  if (isError) {
    return (
      <>
        <Alert severity="warning" sx={{ mb: 1 }}>
          {translate('app.history.unavailable')}
        </Alert>
        <LastChange record={record} />
      </>
    );
  }
  const changes = data?.data ?? [];
  if (changes.length === 0) {
    return <Typography variant="body2">{translate('app.card.no_history')}</Typography>;
  }
  return (
    <Table size="small" data-testid="status-history">
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.history.at')}</TableCell>
          <TableCell>{translate('app.history.change')}</TableCell>
          <TableCell>{translate('app.history.door')}</TableCell>
          <TableCell>{translate('app.history.actor')}</TableCell>
          <TableCell>{translate('app.history.reason')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changes.map((change) => (
          // Two changes may share an instant, never also the same step from one status to another.
          <TableRow key={`${change.at}|${change.from}|${change.to}|${change.door}`}>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              <time dateTime={change.at}>{dateTime(change.at)}</time>
            </TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              {change.from ? <StatusChip status={change.from} /> : '—'}
              <span> → </span>
              <StatusChip status={change.to} />
            </TableCell>
            <TableCell>
              {translate(`app.door.${change.door}`, { _: change.door })}
              {change.sourceId && (
                <Typography variant="caption" component="div" color="text.secondary">
                  {sourceName(change.sourceId, translate)}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              <Who change={change} />
            </TableCell>
            <TableCell sx={{ wordBreak: 'break-word' }}>
              {reasonText(change.reason, translate, date, { notes: change.reasonNotes, locale }) ||
                '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
