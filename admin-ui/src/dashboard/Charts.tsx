import { Alert, Box, Button, Skeleton, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { LineChart } from '@mui/x-charts/LineChart';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslate } from 'react-admin';
import { call } from '../api/call';
import { useFormat } from '../format';
import { Panel } from './Panel';

/** How many weeks the charts cover. */
const WEEKS = 12;
const HEIGHT = 240;
const COLORS = {
  active: '#2e7d32',
  pending: '#9e9e9e',
  suspended: '#ed6c02',
  deactivated: '#c62828',
  joined: '#1f5fa8',
  invited: '#90a4ae',
  registered: '#1f5fa8',
  secondFactor: '#6a1b9a',
};

/** A short calendar day ("4 дек.", "4 Dec") for an axis; days come as YYYY-MM-DD. */
function useDayLabel() {
  const { locale } = useFormat();
  const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ru-RU', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  return (day: string) => format.format(new Date(`${day}T00:00:00Z`));
}

/** A chart's panel: its title, then the chart, or words when there is nothing to draw. */
function ChartPanel(props: { title: string; empty: string | null; children: ReactNode }) {
  return (
    <Panel title={props.title}>
      {props.empty ? (
        <Typography color="text.secondary" sx={{ py: 2 }}>
          {props.empty}
        </Typography>
      ) : (
        <Box sx={{ width: '100%', minWidth: 0 }}>{props.children}</Box>
      )}
    </Panel>
  );
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The statistics, one request for every chart; null while loading. */
function useStatistics() {
  return useQuery({
    queryKey: ['statistics', WEEKS],
    queryFn: () => call('getStatistics', { query: { weeks: WEEKS } }),
  });
}

/** Placeholders of the charts' shape, so the dashboard never starts blank. */
function Loading() {
  const translate = useTranslate();
  return (
    <Panel title={translate('app.charts.loading')}>
      <Skeleton variant="rounded" height={HEIGHT} aria-hidden />
    </Panel>
  );
}

/**
 * The dashboard's charts (`GET /statistics`): people by status over time, joiners and leavers,
 * registration and second factor, sync run outcomes and failed deliveries — the last two only
 * for those who may read them (the server sends them as null otherwise).
 */
export function Charts() {
  const translate = useTranslate();
  const { number, locale } = useFormat();
  const dayLabel = useDayLabel();
  const { data, isPending, error, refetch } = useStatistics();
  if (isPending) return <Loading />;
  if (error || !data)
    return (
      <Alert
        severity="error"
        sx={{ width: '100%' }}
        action={<Button onClick={() => refetch()}>{translate('app.charts.retry')}</Button>}
      >
        {translate('app.charts.failed', { message: error?.message ?? '' })}
      </Alert>
    );
  const { people } = data;
  const days = people.byStatus.map((point) => point.day);
  const weeks = people.joinersLeavers.map((w) => w.week);
  const dayAxis = [{ scaleType: 'point' as const, data: days, valueFormatter: dayLabel }];
  const weekAxis = [{ scaleType: 'band' as const, data: weeks, valueFormatter: dayLabel }];
  const statuses = ['active', 'pending', 'suspended', 'deactivated'] as const;
  const percent = new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'ru-RU', {
    style: 'percent',
  }).format(
    people.secondFactor.active ? people.secondFactor.enrolled / people.secondFactor.active : 0,
  );
  return (
    <>
      <Typography variant="subtitle1" component="p" sx={{ width: '100%' }}>
        {translate('app.charts.window', { smart_count: WEEKS })}
      </Typography>
      <ChartPanel
        title={translate('app.charts.status_over_time')}
        empty={
          sum(people.byStatus.map((p) => p.active + p.pending + p.suspended + p.deactivated)) === 0
            ? translate('app.charts.status_over_time_empty')
            : null
        }
      >
        <LineChart
          height={HEIGHT}
          xAxis={dayAxis}
          series={statuses.map((status) => ({
            data: people.byStatus.map((point) => point[status]),
            label: translate(`app.status.${status}`),
            color: COLORS[status],
            showMark: false,
            valueFormatter: (value: number | null) => number(value ?? 0),
          }))}
        />
      </ChartPanel>
      <ChartPanel
        title={translate('app.charts.joiners_leavers')}
        empty={
          sum(people.joinersLeavers.map((w) => w.joined + w.left)) === 0
            ? translate('app.charts.joiners_leavers_empty')
            : null
        }
      >
        <BarChart
          height={HEIGHT}
          xAxis={weekAxis}
          series={[
            {
              data: people.joinersLeavers.map((w) => w.joined),
              label: translate('app.charts.joiners'),
              color: COLORS.joined,
            },
            {
              data: people.joinersLeavers.map((w) => w.left),
              label: translate('app.charts.leavers'),
              color: COLORS.deactivated,
            },
          ]}
        />
      </ChartPanel>
      <ChartPanel title={translate('app.charts.enrolment')} empty={null}>
        <Typography variant="body2" data-testid="second-factor-rate">
          {translate('app.charts.second_factor_rate', {
            enrolled: number(people.secondFactor.enrolled),
            active: number(people.secondFactor.active),
            percent,
          })}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('app.charts.registration_rate', {
            invited: number(people.registration.invited),
            registered: number(people.registration.registered),
            held: number(people.registration.held),
            revoked: number(people.registration.revoked),
          })}
        </Typography>
        {sum(people.enrolment.map((w) => w.invited + w.registered + w.secondFactor)) === 0 ? (
          <Typography color="text.secondary" sx={{ py: 2 }}>
            {translate('app.charts.enrolment_empty')}
          </Typography>
        ) : (
          <BarChart
            height={HEIGHT}
            xAxis={weekAxis}
            series={(['invited', 'registered', 'secondFactor'] as const).map((key) => ({
              data: people.enrolment.map((w) => w[key]),
              label: translate(`app.charts.${key === 'secondFactor' ? 'second_factor' : key}`),
              color: COLORS[key],
            }))}
          />
        )}
      </ChartPanel>
      {data.syncRuns && (
        <ChartPanel
          title={translate('app.charts.sync_runs')}
          empty={
            sum(data.syncRuns.map((w) => w.succeeded + w.failed + w.cancelled + w.other)) === 0
              ? translate('app.charts.sync_runs_empty')
              : null
          }
        >
          <BarChart
            height={HEIGHT}
            xAxis={[
              {
                scaleType: 'band',
                data: data.syncRuns.map((w) => w.week),
                valueFormatter: dayLabel,
              },
            ]}
            series={(
              [
                ['succeeded', 'succeeded', COLORS.active],
                ['failed', 'failed_runs', COLORS.deactivated],
                ['cancelled', 'cancelled', COLORS.pending],
                ['other', 'other', COLORS.suspended],
              ] as const
            ).map(([key, label, color]) => ({
              data: (data.syncRuns ?? []).map((w) => w[key]),
              label: translate(`app.charts.${label}`),
              color,
              stack: 'runs',
            }))}
          />
        </ChartPanel>
      )}
      {data.deliveries && (
        <ChartPanel
          title={translate('app.charts.deliveries')}
          empty={
            data.deliveries.deadNow === 0 &&
            sum(data.deliveries.failedPerWeek.map((w) => w.dead)) === 0
              ? translate('app.charts.deliveries_empty')
              : null
          }
        >
          {data.deliveries.deadNow > 0 && (
            <Alert severity="warning" sx={{ mb: 1 }}>
              {translate('app.charts.dead_now', { smart_count: data.deliveries.deadNow })}
            </Alert>
          )}
          <BarChart
            height={HEIGHT}
            xAxis={[
              {
                scaleType: 'band',
                data: data.deliveries.failedPerWeek.map((w) => w.week),
                valueFormatter: dayLabel,
              },
            ]}
            series={[
              {
                data: data.deliveries.failedPerWeek.map((w) => w.dead),
                label: translate('app.charts.dead'),
                color: COLORS.deactivated,
              },
            ]}
          />
        </ChartPanel>
      )}
    </>
  );
}
