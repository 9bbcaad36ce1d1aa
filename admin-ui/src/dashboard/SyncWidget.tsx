import { Alert, Box, Skeleton } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { sourceName } from '../components/sourceName';
import { useAppDataProvider } from '../dataProviderHook';
import { useFormat } from '../format';
import { RunStatusChip } from '../resources/syncRuns/RunStatusChip';
import { Line, Panel } from './Panel';

const AWAITING = { status: 'awaiting_approval' } as const;

/** The last sync runs with their state, and how many plans wait for approval. */
export function SyncWidget() {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { dateTime, number } = useFormat();
  const runs = useQuery({
    queryKey: ['sync-runs', 'dashboard', 'last'],
    queryFn: () => dataProvider.listRuns({ limit: 5 }),
  });
  const held = useQuery({
    queryKey: ['sync-runs', 'dashboard', 'awaiting'],
    queryFn: () => dataProvider.listRuns({ ...AWAITING, limit: 1 }),
  });
  const heldTo = `/sync-runs?filter=${encodeURIComponent(JSON.stringify(AWAITING))}`;
  return (
    <Panel title={translate('app.dashboard.sync_runs')}>
      <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }} data-testid="sync-runs-widget">
        <Line label={<Link to={heldTo}>{translate('app.dashboard.awaiting_approval')}</Link>}>
          {held.isPending ? (
            <Skeleton width={40} />
          ) : (
            <strong data-testid="awaiting-count">{number(held.data?.total ?? 0)}</strong>
          )}
        </Line>
        {runs.isPending && <Skeleton />}
        {runs.data?.data.length === 0 && <Line label={translate('app.sync.no_runs')}>{null}</Line>}
        {runs.data?.data.map((run) => (
          <Line
            key={run.id}
            label={
              <Link to={`/sync-runs/${run.id}/show`}>
                {sourceName(run.sourceId, translate)} · {translate(`app.sync.mode.${run.mode}`)} ·{' '}
                {dateTime(run.startedAt)}
              </Link>
            }
          >
            <RunStatusChip status={run.status} />
          </Line>
        ))}
      </Box>
      {runs.error && <Alert severity="error">{String(runs.error)}</Alert>}
    </Panel>
  );
}
