import { Alert, Box, Skeleton } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useTranslate } from 'react-admin';
import { useAppDataProvider } from '../dataProviderHook';
import { useFormat } from '../format';
import { Line, Panel } from './Panel';

/** Failed (dead) and pending deliveries to the messaging core, per connector. */
export function DeliveryWidget() {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { number } = useFormat();
  const { data, isPending, error } = useQuery({
    queryKey: ['core-deliveries', 'summary'],
    queryFn: () => dataProvider.deliverySummary(),
  });
  const rows = data?.data ?? [];
  const dead = rows.reduce((sum, row) => sum + row.dead, 0);
  return (
    <Panel title={translate('app.dashboard.deliveries')}>
      {error && <Alert severity="error">{String(error)}</Alert>}
      <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }} data-testid="deliveries-widget">
        <Line label={translate('app.dashboard.dead_deliveries')}>
          {isPending ? (
            <Skeleton width={40} />
          ) : (
            <Box
              component="strong"
              sx={{ color: dead > 0 ? 'error.main' : undefined }}
              data-testid="dead-count"
            >
              {number(dead)}
            </Box>
          )}
        </Line>
        {rows.map((row) => (
          <Line key={row.connector} label={row.connector}>
            <span>
              {translate('app.dashboard.delivery_counts', {
                dead: number(row.dead),
                pending: number(row.pending),
                delivered: number(row.delivered),
              })}
            </span>
          </Line>
        ))}
      </Box>
    </Panel>
  );
}
