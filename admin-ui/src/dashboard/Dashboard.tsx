import { Box, Card, CardContent, CardHeader, Skeleton, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { useAppDataProvider } from '../dataProviderHook';
import { useFormat } from '../format';

const STATUSES = ['active', 'pending', 'deactivated'] as const;
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

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card component="section" aria-label={title} sx={{ flex: '1 1 300px' }}>
      <CardHeader title={title} slotProps={{ title: { variant: 'h6', component: 'h2' } }} />
      <CardContent sx={{ pt: 0 }}>{children}</CardContent>
    </Card>
  );
}

/**
 * The overview: people by status and back-office accounts by role. The marked area below is
 * where the sync-run and core-delivery widgets go when those capabilities land.
 */
export default function Dashboard() {
  const translate = useTranslate();
  const { canAccess: canListUsers } = useCanAccess({ action: 'list', resource: 'users' });
  // Filtering people by role is for those who may list back-office accounts (the server says so).
  const { canAccess: canSeeRoles } = useCanAccess({
    action: 'list',
    resource: 'backoffice-accounts',
  });
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, mt: 2 }}>
      <Typography variant="h5" component="h1" sx={{ width: '100%' }}>
        {translate('app.dashboard.title')}
      </Typography>
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
      {/* PLACEHOLDER (issue: AD/HR sync, core delivery): last sync runs and their state, plans
          waiting for approval, failed deliveries to the messaging core. Replace these cards with
          the real widgets when those routes exist. */}
      <Panel title={translate('app.dashboard.sync_placeholder')}>
        <Typography color="text.secondary" data-testid="sync-placeholder">
          {translate('app.dashboard.placeholder_help')}
        </Typography>
      </Panel>
      <Panel title={translate('app.dashboard.delivery_placeholder')}>
        <Typography color="text.secondary" data-testid="delivery-placeholder">
          {translate('app.dashboard.placeholder_help')}
        </Typography>
      </Panel>
    </Box>
  );
}
