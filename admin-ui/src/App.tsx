import { lazy } from 'react';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { EnrollPage } from './auth/EnrollPage';
import { LoginPage } from './auth/LoginPage';
import { RegisterPage } from './auth/RegisterPage';
import { i18nProvider } from './i18n/i18nProvider';
import { AppLayout } from './layout/AppLayout';
import { authProvider } from './providers/authProvider';
import { dataProvider } from './providers/dataProvider';
import { resourceIcons } from './resources/icons';
import { theme } from './theme';

// One chunk per screen: the initial bundle holds only the shell, providers and login.
const Dashboard = lazy(() => import('./dashboard/Dashboard'));
const UserList = lazy(() => import('./resources/users/UserList'));
const UserShow = lazy(() => import('./resources/users/UserShow'));
const UserCreate = lazy(() => import('./resources/users/UserCreate'));
const UserEdit = lazy(() => import('./resources/users/UserEdit'));
const AccountList = lazy(() => import('./resources/backoffice/AccountList'));
const OrganizationList = lazy(() => import('./resources/organizations/OrganizationList'));
const OrganizationCreate = lazy(() => import('./resources/organizations/OrganizationCreate'));
const OrganizationEdit = lazy(() => import('./resources/organizations/OrganizationEdit'));
const SpaceList = lazy(() => import('./resources/spaces/SpaceList'));
const SpaceShow = lazy(() => import('./resources/spaces/SpaceShow'));
const SpaceCreate = lazy(() => import('./resources/spaces/SpaceCreate'));
const SpaceEdit = lazy(() => import('./resources/spaces/SpaceEdit'));
const AuditList = lazy(() => import('./resources/audit/AuditList'));
const AuditShow = lazy(() => import('./resources/audit/AuditShow'));
const SourceList = lazy(() => import('./resources/sources/SourceList'));
const SourceShow = lazy(() => import('./resources/sources/SourceShow'));
const SourceEdit = lazy(() => import('./resources/sources/SourceEdit'));
const SourceCreate = lazy(() => import('./resources/sources/SourceCreate'));
const RunList = lazy(() => import('./resources/syncRuns/RunList'));
const RunShow = lazy(() => import('./resources/syncRuns/RunShow'));
const ImportList = lazy(() => import('./resources/imports/ImportList'));
const ImportCreate = lazy(() => import('./resources/imports/ImportCreate'));
const ImportShow = lazy(() => import('./resources/imports/ImportShow'));
const ScheduledChangeList = lazy(() => import('./resources/scheduledChanges/ScheduledChangeList'));
const ScimTokenList = lazy(() => import('./resources/scimTokens/ScimTokenList'));
const MailPage = lazy(() => import('./resources/mail/MailPage'));
const BulkJobList = lazy(() => import('./resources/bulkJobs/BulkJobList'));
const BulkJobShow = lazy(() => import('./resources/bulkJobs/BulkJobShow'));
const ConfigChangeList = lazy(() => import('./resources/configChanges/ConfigChangeList'));
const ConfigChangeShow = lazy(() => import('./resources/configChanges/ConfigChangeShow'));
const ElevationRequestList = lazy(() => import('./resources/elevation/ElevationRequestList'));
const ElevationRequestCreate = lazy(() => import('./resources/elevation/ElevationRequestCreate'));
const AccessOverview = lazy(() => import('./resources/access/AccessOverview'));
const CampaignList = lazy(() => import('./resources/reviews/CampaignList'));
const CampaignShow = lazy(() => import('./resources/reviews/CampaignShow'));
const CampaignCreate = lazy(() => import('./resources/reviews/CampaignCreate'));
const MyReviewList = lazy(() => import('./resources/reviews/MyReviewList'));

/** The back-office: react-admin over `/api/v1`, resources shown as the CASL rules allow. */
export function App() {
  return (
    <Admin
      title="Frisbee"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      loginPage={LoginPage}
      dashboard={Dashboard}
      layout={AppLayout}
      theme={theme}
      requireAuth
      disableTelemetry
    >
      <Resource
        name="users"
        icon={resourceIcons.users}
        list={UserList}
        show={UserShow}
        create={UserCreate}
        edit={UserEdit}
        recordRepresentation="displayName"
      />
      <Resource
        name="backoffice-accounts"
        icon={resourceIcons.backoffice}
        list={AccountList}
        recordRepresentation="displayName"
      />
      <Resource
        name="organizations"
        icon={resourceIcons.organizations}
        list={OrganizationList}
        create={OrganizationCreate}
        edit={OrganizationEdit}
        recordRepresentation="name"
      />
      <Resource
        name="spaces"
        icon={resourceIcons.spaces}
        list={SpaceList}
        show={SpaceShow}
        create={SpaceCreate}
        edit={SpaceEdit}
        recordRepresentation="name"
      />
      <Resource name="audit-events" icon={resourceIcons.audit} list={AuditList} show={AuditShow} />
      <Resource
        name="directory-sources"
        icon={resourceIcons.sources}
        list={SourceList}
        show={SourceShow}
        create={SourceCreate}
        edit={SourceEdit}
        recordRepresentation="name"
      />
      <Resource name="sync-runs" icon={resourceIcons.syncRuns} list={RunList} show={RunShow} />
      <Resource
        name="imports"
        icon={resourceIcons.imports}
        list={ImportList}
        create={ImportCreate}
        show={ImportShow}
      />
      <Resource
        name="scheduled-changes"
        icon={resourceIcons.scheduledChanges}
        list={ScheduledChangeList}
      />
      <Resource name="scim-tokens" icon={resourceIcons.scimTokens} list={ScimTokenList} />
      <Resource name="mail-messages" icon={resourceIcons.mail} list={MailPage} />
      <Resource
        name="bulk-jobs"
        icon={resourceIcons.bulkJobs}
        list={BulkJobList}
        show={BulkJobShow}
      />
      <Resource
        name="config-changes"
        icon={resourceIcons.configChanges}
        list={ConfigChangeList}
        show={ConfigChangeShow}
        recordRepresentation="targetLabel"
      />
      <Resource
        name="elevation-requests"
        icon={resourceIcons.elevation}
        list={ElevationRequestList}
        create={ElevationRequestCreate}
      />
      <Resource name="access-review" icon={resourceIcons.access} list={AccessOverview} />
      <Resource
        name="review-items"
        icon={resourceIcons.myReviews}
        list={MyReviewList}
        options={{ label: 'app.reviews.mine' }}
      />
      <Resource
        name="review-campaigns"
        icon={resourceIcons.reviewCampaigns}
        list={CampaignList}
        show={CampaignShow}
        create={CampaignCreate}
        recordRepresentation="name"
      />
      <Resource name="user-sessions" />
      <Resource name="space-members" />
      <CustomRoutes noLayout>
        <Route path="/enroll" element={<EnrollPage />} />
        <Route path="/register" element={<RegisterPage />} />
      </CustomRoutes>
    </Admin>
  );
}
