/** Back-office roles; `null` is a plain messenger user. */
export type Role = 'superadmin' | 'admin' | 'auditor' | 'staff';
export type UserStatus = 'pending' | 'active' | 'suspended' | 'deactivated';
export type Source = 'manual' | 'import' | 'ad' | 'hr' | 'scim';
export type LoginMethod = 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';

/** A reference to a person as the API embeds it. */
export interface PersonRef {
  id: string;
  displayName: string;
  /** «Фамилия Имя Отчество». */
  fullName: string;
}

/** What acted, when it was not a person (server/audit/actorKind.ts). */
export type ActorKind = 'person' | 'source' | 'scim' | 'core' | 'anonymous' | 'system';

/** A person's names as an audit event refers to them. */
export interface AuditPerson {
  displayName: string;
  fullName: string;
}

/** A person as `GET /users/:id` answers it. */
export interface UserRecord {
  id: string;
  username: string | null;
  /** The messenger account (XMPP localpart): assigned with the first login, never reused. */
  coreAccount?: string | null;
  familyName: string;
  givenName: string;
  middleName: string | null;
  /** «Фамилия Имя Отчество». */
  fullName: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  organization: { id: string; name: string } | null;
  organizationId?: string | null;
  status: UserStatus;
  statusChangedAt: string | null;
  statusChangedBy: PersonRef | null;
  statusReason: string | null;
  loginMethod: LoginMethod;
  role: Role | null;
  /** The highest rank in force: standing role and role grants (issue 18). */
  rank?: number;
  addedBy: PersonRef | null;
  /** Free text: someone outside the directory. */
  initiatedBy: string | null;
  /** The person of the directory who asked for this one. */
  initiatedByPerson?: PersonRef | null;
  initiatedById?: string | null;
  source: Source;
  externalId: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Only on a single person's card (GET /users/:id). */
  secondFactor?: { enrolled: boolean; enrolledAt: string | null };
  /** Only on a single person's card (GET /users/:id). */
  spaces?: { id: string; name: string }[] | null;
  /** The directory source (AD / LDAP) the person is linked to, if any. */
  sourceId?: string | null;
  /** The HR channel (`hr-import`, `scim`) that feeds the person, if any. */
  hrSourceId?: string | null;
  employeeNumber?: string | null;
  /** YYYY-MM-DD. */
  hireDate?: string | null;
  /** YYYY-MM-DD. */
  terminationDate?: string | null;
  /** Only on a single person's card: attribute → the source id that maintains it. */
  fieldOwners?: Partial<Record<string, string>>;
  /**
   * Only on a single person's card: whether the person has ever had a credential (a password, a
   * second factor, a session, a sign-in); an enrollment link for them then needs a reason.
   */
  hasCredentials?: boolean;
  /** Only on a single person's card: enrollment links that disclosed a way into the account. */
  credentialDisclosures?: CredentialDisclosure[];
}

/** An enrollment link issued for a person who already had credentials. */
export interface CredentialDisclosure {
  at: string;
  byId: string | null;
  byLabel: string | null;
  reason: string | null;
  expiresAt: string | null;
  usedAt: string | null;
}

/** Through which door a status change came (`docs/lifecycle.md`). */
export type StatusDoor =
  | 'console'
  | 'bulk'
  | 'hr-import'
  | 'scim'
  | 'schedule'
  | 'directory'
  | 'enrollment';

/** One status change of a person, as `GET /users/:id/status-history` lists it. */
export interface StatusChange {
  at: string;
  from: UserStatus | null;
  to: UserStatus;
  door: StatusDoor;
  sourceId: string | null;
  actorId: string | null;
  actorLabel: string | null;
  /** The acting person's current «Фамилия Имя Отчество». */
  actorName?: string | null;
  actorKind?: ActorKind;
  reason: string | null;
}

/** A status change asked of many people at once. */
export type BulkStatusAction = 'deactivate' | 'suspend' | 'activate';

/** Why a bulk request left a person as they were. */
export type BulkSkipCode =
  | 'forbidden'
  | 'not_found'
  | 'already_deactivated'
  | 'already_suspended'
  | 'already_active'
  | 'last_superadmin'
  // From the lifecycle's other doors; a bulk request is not expected to answer them.
  | 'kept_by_hand'
  | 'not_eligible';

/** What `POST /users/bulk/{action}` answers. */
export interface BulkStatusResult {
  /** The people changed (the server's rows; only their number is shown). */
  changed: unknown[];
  skipped: { id: string; label: string | null; code: BulkSkipCode | string; message?: string }[];
}

/** A device or back-office session of a person. */
export interface SessionRecord {
  id: string;
  userId: string;
  kind: 'device' | 'backoffice';
  deviceName: string | null;
  platform: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  live: boolean;
}

/** One audit event. */
export interface AuditEventRecord {
  id: number;
  at: string;
  actor: {
    id: string | null;
    label: string;
    role: string | null;
    kind: ActorKind;
    person: AuditPerson | null;
  };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  action: string;
  target: {
    type: string | null;
    id: string | null;
    label: string | null;
    person: AuditPerson | null;
  };
  outcome: 'success' | 'denied' | 'failure';
  reason: string | null;
  diff: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
  details: unknown;
}

/** An organization (with tree fields when listed as a tree). */
export interface OrganizationRecord {
  id: string;
  name: string;
  kind: 'department' | 'project';
  parentId: string | null;
  description: string | null;
  source: Source;
  childrenCount: number;
  memberCount: number;
  /** People of this organization and every organization under it. */
  totalMemberCount: number;
  version: number;
  depth?: number;
  pathNames?: string[];
}

/** What `GET /me` and `POST /session/totp` answer. */
export interface MeBody {
  user: { id: string; username: string | null; displayName: string; role: Role | null };
  role: Role | null;
  /** Role grants in force on top of `role` (issue 18): scope (named) and expiry. */
  grants?: {
    role: Exclude<Role, 'superadmin'>;
    scope: { id: string; name: string }[];
    expiresAt: string | null;
  }[];
  rules: unknown[];
  csrfToken: string;
  /** The company's IANA time zone (`hr.timeZone`): times are shown in it. */
  timeZone?: string;
}

/** A page of a list route. */
export interface Page<T> {
  data: T[];
  total: number;
  totalIsEstimate?: boolean;
  nextCursor?: string | null;
}
