import { Box, Tab, Tabs, Typography } from '@mui/material';
import { type ReactElement, useState } from 'react';
import {
  AutocompleteInput,
  Datagrid,
  FilterButton,
  FunctionField,
  NumberInput,
  ReferenceInput,
  SearchInput,
  SimpleList,
  TextField,
  TopToolbar,
  useCanAccess,
  useListContext,
  useTranslate,
} from 'react-admin';
import { ACCESS_VIEWS, type AccessRow, type AccessViewName } from '../../api/accessTypes';
import { EnumField } from '../../components/EnumField';
import { ResponsiveList } from '../../components/responsive';
import { useFormat } from '../../format';
import { ExportLink } from './ExportLink';

const byName = (q: string) => ({ q });
// Views that count idle days take `days`; the others list whoever matches now.
const WITH_DAYS: ReadonlySet<AccessViewName> = new Set(['dormant', 'unused-backoffice']);

function useFilters(view: AccessViewName) {
  const translate = useTranslate();
  const { canAccess: orgs } = useCanAccess({ action: 'list', resource: 'organizations' });
  return [
    <SearchInput
      key="q"
      source="q"
      alwaysOn
      placeholder={translate('access.filters.q')}
      slotProps={{ htmlInput: { 'aria-label': translate('ra.action.search') } }}
    />,
    ...(WITH_DAYS.has(view)
      ? [
          <NumberInput
            key="days"
            source="days"
            label="access.filters.days"
            min={1}
            max={3650}
            alwaysOn
          />,
        ]
      : []),
    ...(orgs
      ? [
          <ReferenceInput key="org" source="organizationId" reference="organizations">
            <AutocompleteInput
              filterToQuery={byName}
              optionText="name"
              label="access.filters.organization"
            />
          </ReferenceInput>,
        ]
      : []),
  ];
}

/** The export of the view as filtered now (the server applies the caller's scope). */
function ExportButton({ view }: { view: AccessViewName }) {
  const { filterValues } = useListContext();
  const { canAccess } = useCanAccess({ action: 'export', resource: 'users' });
  if (!canAccess) return null;
  return (
    <ExportLink path={`/access/${view}/export`} params={filterValues} testId={`export-${view}`} />
  );
}

// Datagrid reads a column's header from its element's `label` and `sortable` props.
interface Column {
  label: string;
  sortable?: boolean;
}

function When({ at }: Column & { at: 'lastLoginAt' | 'lastBackofficeAt' }) {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  return (
    <FunctionField<AccessRow>
      label={`access.fields.${at}`}
      sortable={false}
      render={(row) => (row[at] ? dateTime(row[at]) : translate('access.never'))}
    />
  );
}

function Roles(_props: Column) {
  const translate = useTranslate();
  return (
    <FunctionField<AccessRow>
      label="access.fields.roles"
      sortable={false}
      render={(row) => row.roles.map((role) => translate(`app.role.${role}`)).join(', ')}
    />
  );
}

function GoneFrom(_props: Column) {
  const translate = useTranslate();
  return (
    <FunctionField<AccessRow>
      label="access.fields.goneFrom"
      sortable={false}
      render={(row) =>
        row.goneFrom
          .map((gone) => `${gone.sourceId}: ${translate(`access.gone.${gone.reason}`)}`)
          .join('; ')
      }
    />
  );
}

/** Every column a view may show, each under the key it keeps in whichever view shows it. */
const COLUMNS = {
  name: <TextField key="name" source="fullName" sortBy="fullName" label="access.fields.fullName" />,
  org: (
    <TextField
      key="org"
      source="organizationName"
      sortable={false}
      label="access.fields.organizationName"
    />
  ),
  status: (
    <EnumField
      key="status"
      source="status"
      prefix="app.status"
      chip
      sortable={false}
      label="access.fields.status"
    />
  ),
  login: <When key="login" at="lastLoginAt" label="access.fields.lastLoginAt" sortable={false} />,
  owners: (
    <FunctionField<AccessRow>
      key="owners"
      label="access.fields.owners"
      sortable={false}
      render={(row) => row.owners.join(', ')}
    />
  ),
  gone: <GoneFrom key="gone" label="access.fields.goneFrom" sortable={false} />,
  roles: <Roles key="roles" label="access.fields.roles" sortable={false} />,
  method: (
    <EnumField
      key="method"
      source="loginMethod"
      prefix="app.login_method"
      sortable={false}
      label="access.fields.loginMethod"
    />
  ),
  console: (
    <When
      key="console"
      at="lastBackofficeAt"
      label="access.fields.lastBackofficeAt"
      sortable={false}
    />
  ),
  idle: <TextField key="idle" source="idleDays" label="access.fields.idleDays" />,
} satisfies Record<string, ReactElement>;

/** The columns of each view, in order: who, where, and what the view found. */
const VIEW_COLUMNS: Record<AccessViewName, readonly (keyof typeof COLUMNS)[]> = {
  dormant: ['name', 'org', 'status', 'login', 'idle'],
  orphaned: ['name', 'org', 'status', 'owners', 'gone'],
  'no-second-factor': ['name', 'org', 'roles', 'method', 'console'],
  'unused-backoffice': ['name', 'org', 'roles', 'console', 'idle'],
};

/** One company view: filters, a table (cards on a phone) and the export. */
function ViewList({ view }: { view: AccessViewName }) {
  const translate = useTranslate();
  return (
    <ResponsiveList
      resource={`access-${view}`}
      storeKey={`access-${view}`}
      disableSyncWithLocation
      title={translate('access.page_title')}
      filters={useFilters(view)}
      filterDefaultValues={WITH_DAYS.has(view) ? { days: 90 } : {}}
      sort={{ field: 'idleDays', order: 'DESC' }}
      exporter={false}
      actions={
        <TopToolbar>
          <FilterButton />
          <ExportButton view={view} />
        </TopToolbar>
      }
      cards={
        <SimpleList<AccessRow>
          primaryText={(row) => row.fullName}
          secondaryText={(row) => row.organizationName ?? ''}
          tertiaryText={(row) =>
            WITH_DAYS.has(view) && row.idleDays !== null
              ? `${translate('access.fields.idleDays')}: ${row.idleDays}`
              : ''
          }
          linkType={false}
          rowClick={(id) => `/users/${id}/show`}
        />
      }
    >
      <Datagrid
        bulkActionButtons={false}
        rowClick={(id) => `/users/${id}/show`}
        data-testid={`access-${view}`}
      >
        {VIEW_COLUMNS[view].map((column) => COLUMNS[column])}
      </Datagrid>
    </ResponsiveList>
  );
}

/**
 * «Обзор доступа» (issue 18): the company's access views as tabs — dormant people, people gone
 * from their sources, console accounts without a second factor, console accounts unused — each
 * a filtered list with an export. Tabs the caller may not read (the console accounts' views,
 * for all but superadmins and auditors) are not shown.
 */
export default function AccessOverview() {
  const translate = useTranslate();
  const people = useCanAccess({ action: 'list', resource: 'access-dormant' }).canAccess;
  const accounts = useCanAccess({
    action: 'list',
    resource: 'access-no-second-factor',
  }).canAccess;
  const views = ACCESS_VIEWS.filter((view) =>
    view === 'no-second-factor' || view === 'unused-backoffice' ? accounts : people,
  );
  const [chosen, setChosen] = useState<AccessViewName>('dormant');
  const view = views.includes(chosen) ? chosen : views[0];
  if (!view) return null;
  return (
    <Box sx={{ mt: 1 }}>
      <Typography variant="h6" component="h1" sx={{ px: 1 }}>
        {translate('access.page_title')}
      </Typography>
      <Tabs
        value={view}
        onChange={(_event, value: AccessViewName) => setChosen(value)}
        variant="scrollable"
        allowScrollButtonsMobile
        aria-label={translate('access.page_title')}
      >
        {views.map((one) => (
          <Tab
            key={one}
            value={one}
            label={translate(`access.tabs.${one}`)}
            data-testid={`tab-${one}`}
          />
        ))}
      </Tabs>
      <Typography variant="body2" color="text.secondary" sx={{ px: 1, pt: 1 }}>
        {translate(`access.about.${view}`)}
      </Typography>
      <ViewList key={view} view={view} />
    </Box>
  );
}
