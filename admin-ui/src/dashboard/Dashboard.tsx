import { Box, Skeleton, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { useAppDataProvider } from '../dataProviderHook';
import { useFormat } from '../format';
import { Charts } from './Charts';
import { DeliveryWidget } from './DeliveryWidget';
import { Panel } from './Panel';
import { SyncWidget } from './SyncWidget';

const STATUSES = ['active', 'pending', 'suspended', 'deactivated'] as const;
const ROLES = ['superadmin', 'admin', 'auditor', 'staff'] as const;

function CountRow({ label, filter }: { label: string; filter: Record<string, string> }) {
  const dataProvider = useAppDataProvider();
  const { number } = useFormat();
  const { data, isPending } = useQuery({
    queryKey: ['users', 'count', filter],
    queryFn: () => dataProvider.countUsers(filter),
  });
  const to = `/users?filter=${encodeURIComponent(JSON.stringify(filter))}`;
  return (
    <Box
      component="li"
      sx={{
        display: 'flex',
        justifyContent: 'space-between',
        py: 0.75,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      <Link to={to}>{label}</Link>
      {isPending ? <Skeleton width={40} /> : <strong>{number(data ?? 0)}</strong>}
    </Box>
  );
}

/**
 * The overview: people by status, back-office accounts by role, the last sync runs with the
 * plans waiting for approval, failed deliveries to the messaging core, then the charts of
 * `GET /statistics` — each as the rules allow.
 */
export default function Dashboard() {
  const translate = useTranslate();
  const { canAccess: canListUsers, isPending } = useCanAccess({
    action: 'list',
    resource: 'users',
  });
  // Filtering people by role is for those who may list back-office accounts (the server says so).
  const { canAccess: canSeeRoles } = useCanAccess({
    action: 'list',
    resource: 'backoffice-accounts',
  });
  const { canAccess: canReadRuns } = useCanAccess({ action: 'list', resource: 'sync-runs' });
  const { canAccess: canReadDeliveries } = useCanAccess({
    action: 'list',
    resource: 'core-deliveries',
  });
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, mt: 2 }} data-testid="dashboard">
      <Typography variant="h5" component="h1" sx={{ width: '100%' }}>
        {translate('app.dashboard.title')}
      </Typography>
      {/* While the rules load, the panels' outline shows instead of an empty page. */}
      {isPending && (
        <Panel title={translate('app.charts.loading')}>
          <Skeleton variant="rounded" height={160} aria-hidden />
        </Panel>
      )}
      {canListUsers && (
        <Panel title={translate('app.dashboard.people_by_status')}>
          <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }}>
            {STATUSES.map((status) => (
              <CountRow
                key={status}
                label={translate(`app.status.${status}`)}
                filter={{ status }}
              />
            ))}
            <CountRow
              label={translate('app.invitation.filter.invited_not_registered')}
              filter={{ invitation: 'invited_not_registered' }}
            />
          </Box>
        </Panel>
      )}
      {canSeeRoles && (
        <Panel title={translate('app.dashboard.accounts_by_role')}>
          <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }}>
            {ROLES.map((role) => (
              <CountRow key={role} label={translate(`app.role.${role}`)} filter={{ role }} />
            ))}
          </Box>
        </Panel>
      )}
      {canReadRuns && <SyncWidget />}
      {canReadDeliveries && <DeliveryWidget />}
      {canListUsers && <Charts />}
    </Box>
  );
}
