/** How each UI resource maps onto the API: path, accepted filters, sort fields, editable fields. */
export interface ResourceSpec {
  path: string;
  filters: readonly string[];
  /** react-admin field name → the API's `sort` value; absent: the list is not sortable. */
  sorts?: Readonly<Record<string, string>>;
  /** Fields a create/update body may carry (request schemas are strict). */
  writable?: readonly string[];
  /** Fields whose empty value is sent as null. */
  nullable?: readonly string[];
}

const USER_FILTERS = [
  'q',
  'organizationId',
  'spaceId',
  'status',
  'role',
  'source',
  'addedBy',
] as const;
const USER_SORTS = {
  displayName: 'name',
  fullName: 'name',
  familyName: 'name',
  name: 'name',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  status: 'status',
};
const USER_FIELDS = [
  'username',
  'familyName',
  'givenName',
  'middleName',
  'displayName',
  'email',
  'phone',
  'title',
  'organizationId',
  'initiatedBy',
  'initiatedById',
] as const;

// Issue 18's company access views (`GET /access/:view`), one UI resource each.
const ACCESS_VIEW = (view: string): ResourceSpec => ({
  path: `/access/${view}`,
  filters: ['q', 'organizationId', 'days'],
  sorts: { idleDays: 'idle', fullName: 'name' },
});

/** The resources the data provider knows. */
export const RESOURCES: Readonly<Record<string, ResourceSpec>> = {
  'access-dormant': ACCESS_VIEW('dormant'),
  'access-orphaned': ACCESS_VIEW('orphaned'),
  'access-no-second-factor': ACCESS_VIEW('no-second-factor'),
  'access-unused-backoffice': ACCESS_VIEW('unused-backoffice'),
  users: {
    path: '/users',
    filters: USER_FILTERS,
    sorts: USER_SORTS,
    writable: [...USER_FIELDS, 'status'],
    nullable: [
      'username',
      'middleName',
      'email',
      'phone',
      'title',
      'organizationId',
      'initiatedBy',
      'initiatedById',
    ],
  },
  'backoffice-accounts': { path: '/backoffice-accounts', filters: USER_FILTERS, sorts: USER_SORTS },
  organizations: {
    path: '/organizations',
    filters: ['q', 'parentId', 'kind', 'tree'],
    writable: ['name', 'kind', 'parentId', 'description', 'headId'],
    nullable: ['parentId', 'description', 'headId'],
  },
  spaces: {
    path: '/spaces',
    filters: ['q', 'organizationId'],
    writable: ['name', 'description', 'organizationId'],
    nullable: ['description', 'organizationId'],
  },
  'audit-events': {
    path: '/audit-events',
    filters: ['actorId', 'action', 'targetId', 'targetType', 'outcome', 'from', 'to'],
  },
  'directory-sources': {
    path: '/directory-sources',
    filters: [],
    writable: ['name', 'enabled', 'schedule', 'thresholds', 'correlateBy', 'reconnect'],
  },
  'sync-runs': { path: '/sync-runs', filters: ['sourceId', 'status'] },
  imports: { path: '/imports', filters: ['status'] },
  'scim-tokens': { path: '/scim-tokens', filters: [], writable: ['name'] },
  'mail-messages': { path: '/mail/messages', filters: ['status'] },
  'scheduled-changes': { path: '/scheduled-changes', filters: ['state', 'userId', 'kind'] },
  'bulk-jobs': { path: '/bulk-jobs', filters: ['status', 'verb'] },
  // Dual control of sensitive configuration (issue 18): pending changes and their history.
  'config-changes': { path: '/config-changes', filters: ['status', 'setting', 'targetId'] },
  'elevation-requests': {
    path: '/elevation-requests',
    filters: ['status', 'mine'],
    writable: ['role', 'scope', 'durationMinutes', 'reason'],
  },
  // Access reviews (issue 18): campaigns, and the items of a reviewer or of a campaign.
  'review-campaigns': {
    path: '/reviews/campaigns',
    filters: ['status'],
    writable: [
      'name',
      'kind',
      'organizationId',
      'reviewerRule',
      'reviewerId',
      'dueAt',
      'revokeMode',
      'undecided',
    ],
    nullable: ['organizationId'],
  },
  'review-items': { path: '/reviews/items', filters: ['q', 'campaignId', 'state', 'mine'] },
};

/** Fields of a person that a directory source owns (read-only by hand), as the server says. */
export const SOURCE_OWNED: Readonly<Record<string, readonly string[]>> = {
  manual: [],
  ad: USER_FIELDS.filter((field) => field !== 'initiatedBy'),
  hr: ['familyName', 'givenName', 'middleName', 'title', 'organizationId', 'email', 'phone'],
  scim: ['familyName', 'givenName', 'middleName', 'title', 'organizationId', 'email', 'phone'],
  import: ['familyName', 'givenName', 'middleName', 'title', 'organizationId', 'email', 'phone'],
};
