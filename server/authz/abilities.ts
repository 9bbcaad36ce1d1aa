import {
  AbilityBuilder,
  createMongoAbility,
  type ForcedSubject,
  type MongoAbility,
  type MongoQuery,
} from '@casl/ability';
import type { Actor, EffectiveGrant } from './actor.ts';
import type { Role } from './roles.ts';

/** What a user action can be. Reads of chats do not exist: the service has no such capability. */
export const USER_ACTIONS = [
  'update',
  'activate',
  'deactivate',
  'suspend',
  'changeLoginMethod',
  'reset2fa',
  'revokeSessions',
  'issueEnrollmentLink',
  'invite',
  'showInvitationLink',
  // A second person's word on a delivery address changed by hand (issue 14, scope 4).
  'approveAddress',
] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export type Action =
  | 'read'
  | 'create'
  | 'delete'
  | 'grant'
  | 'manageMembers'
  | 'export'
  | 'verify'
  | 'configure'
  | 'run'
  | 'approve'
  | 'retry'
  // Access reviews (issue 18): a reviewer's decision on an item, a campaign's closing.
  | 'decide'
  | 'close'
  | UserAction;

/** The facts about a person that authorization looks at. */
export interface UserSubject {
  id: string;
  rank: number;
  /** The person's organization: a scoped role reaches them only inside its subtrees. */
  organizationId: string | null;
}

/** A space as authorization sees it: a scoped role reaches spaces of its organizations. */
export interface SpaceSubject {
  id: string;
  organizationId: string | null;
}

/** An organization as authorization sees it. */
export interface OrganizationSubject {
  id: string;
}

/** A bulk job on people (issue 16): who started it decides who else may see or cancel it. */
export interface BulkJobSubject {
  requestedById: string;
}

/** An elevation request (issue 18): who asked decides who else may see it. */
export interface ElevationRequestSubject {
  requesterId: string;
}

/** An item of an access review (issue 18): decided only by the person it is assigned to. */
export interface ReviewItemSubject {
  reviewerId: string;
}

/** A change of someone's back-office role; `none` stands for a plain user. */
export interface RoleGrantSubject {
  targetId: string;
  targetRank: number;
  from: Role | 'none';
  to: Role | 'none';
}

export type SubjectName =
  | 'User'
  | 'BackofficeAccount'
  | 'RoleGrant'
  | 'Organization'
  | 'Space'
  | 'AuditEvent'
  | 'DirectorySource'
  | 'SyncRun'
  | 'CoreDelivery'
  | 'Import'
  | 'ScimToken'
  | 'ScheduledChange'
  | 'MailSettings'
  | 'MailMessage'
  | 'SiemStream'
  | 'BulkJob'
  // Issue 18, scope 3: a change of a sensitive setting under dual control.
  | 'ConfigChange'
  | 'ElevationRequest'
  | 'ReviewCampaign'
  | 'ReviewItem';

export type Subjects =
  | SubjectName
  | (UserSubject & ForcedSubject<'User'>)
  | (SpaceSubject & ForcedSubject<'Space'>)
  | (OrganizationSubject & ForcedSubject<'Organization'>)
  | (RoleGrantSubject & ForcedSubject<'RoleGrant'>)
  | (BulkJobSubject & ForcedSubject<'BulkJob'>)
  | (ElevationRequestSubject & ForcedSubject<'ElevationRequest'>)
  | (ReviewItemSubject & ForcedSubject<'ReviewItem'>);

/** The CASL ability of one actor. */
export type AppAbility = MongoAbility<[Action, Subjects], MongoQuery>;

const DIRECTORY: SubjectName[] = ['Organization', 'Space'];
// Staff add people, so they may also invite them (a mailed link reaches the person only).
const STAFF_USER_ACTIONS: UserAction[] = [
  'activate',
  'deactivate',
  'suspend',
  'changeLoginMethod',
  'invite',
];
/** Actions nobody may take on their own account. */
const NEVER_ON_SELF: UserAction[] = [
  'activate',
  'deactivate',
  'suspend',
  'changeLoginMethod',
  'reset2fa',
  'issueEnrollmentLink',
  'invite',
  'showInvitationLink',
  'approveAddress',
];

type Builder = AbilityBuilder<AppAbility>;
type Conditions = MongoQuery;

/**
 * Where one grant reaches: everywhere, or only people, spaces and organizations inside its
 * organization subtrees. Each returns the conditions of a rule with the scope added, so one rule
 * serves a check on a row and, through `accessibleWhere`, the SQL filter of a list.
 */
interface Reach {
  global: boolean;
  user(conditions?: Conditions): Conditions | undefined;
  space(conditions?: Conditions): Conditions | undefined;
  organization(conditions?: Conditions): Conditions | undefined;
}

const EVERYWHERE: Reach = {
  global: true,
  user: (conditions) => conditions,
  space: (conditions) => conditions,
  organization: (conditions) => conditions,
};

function within(organizations: readonly string[]): Reach {
  const inScope = { $in: [...organizations] };
  return {
    global: false,
    user: (conditions) => ({ ...conditions, organizationId: inScope }),
    space: (conditions) => ({ ...conditions, organizationId: inScope }),
    organization: (conditions) => ({ ...conditions, id: inScope }),
  };
}

function superadminRules({ can, cannot }: Builder): void {
  can('read', [
    'User',
    'BackofficeAccount',
    ...DIRECTORY,
    'AuditEvent',
    'DirectorySource',
    'SyncRun',
  ]);
  can('create', 'User');
  // A superadmin may act on another superadmin: no rank condition...
  can([...USER_ACTIONS], 'User');
  // ...except to be shown the invitation link of one: that is a way into their account.
  cannot('showInvitationLink', 'User', { rank: { $gte: 3 } });
  can('grant', 'RoleGrant', { to: { $in: ['none', 'staff', 'admin', 'auditor'] } });
  can(['create', 'update', 'delete'], DIRECTORY);
  can('manageMembers', 'Space');
  can(['export', 'verify'], 'AuditEvent');
  // Deleting a source (API-defined ones only) releases its people: configuring, not running.
  can(['configure', 'run', 'delete'], 'DirectorySource');
  can('approve', 'SyncRun');
  can(['read', 'retry'], 'CoreDelivery');
  can(['read', 'create'], 'Import');
  can(['read', 'create', 'delete'], 'ScimToken');
  // Scheduling a person's status change also needs activate / deactivate on that person.
  can(['read', 'create', 'delete'], 'ScheduledChange');
  // Mail settings are read-only everywhere (configuration file only); `verify` sends a test mail.
  can(['read', 'verify'], 'MailSettings');
  can('read', 'MailMessage');
  // The SIEM stream's status (counts, no event content); its settings are file-only.
  can('read', 'SiemStream');
  // Issue 16: exporting the people list is a right of its own; every bulk job is visible.
  can('export', 'User');
  can(['read', 'delete'], 'BulkJob');
  // Access reviews: superadmins run campaigns; `export` is the signed report.
  can(['read', 'create', 'close', 'export'], 'ReviewCampaign');
  can('read', 'ReviewItem');
}

/**
 * An admin's rules, company-wide or inside a scope. A scoped admin keeps the rank rules and
 * reaches only people, spaces and organizations of the scope; what concerns the whole company
 * (sources, sync runs, the core's deliveries, mail, the SIEM stream, role grants) stays with
 * company-wide admins.
 */
function adminRules({ can }: Builder, reach: Reach): void {
  can('read', 'User', reach.user());
  can('read', 'Organization', reach.organization());
  can(['read', 'manageMembers'], 'Space', reach.space());
  can('create', 'User', reach.user());
  can([...USER_ACTIONS], 'User', reach.user({ rank: { $lt: 2 } }));
  // "Add users (by hand or CSV)": imports; what an import may change is checked per person.
  can(['read', 'create'], 'Import');
  can(['read', 'create', 'delete'], 'ScheduledChange');
  // Exported rows are those the list shows (`accessibleWhere(read)`), so scope applies.
  can('export', 'User');
  if (!reach.global) return;
  can('grant', 'RoleGrant', {
    targetRank: { $lt: 2 },
    from: { $in: ['none', 'staff'] },
    to: { $in: ['none', 'staff'] },
  });
  can('read', ['DirectorySource', 'SyncRun']);
  can('run', 'DirectorySource');
  can('approve', 'SyncRun');
  can(['read', 'retry'], 'CoreDelivery');
  can('read', ['MailSettings', 'MailMessage', 'SiemStream']);
}

function staffRules({ can }: Builder, reach: Reach): void {
  can('read', 'User', reach.user());
  can('create', 'User', reach.user());
  can(STAFF_USER_ACTIONS, 'User', reach.user({ rank: 0 }));
  // "Add users (by hand or CSV)": imports; what an import may change is checked per person.
  can(['read', 'create'], 'Import');
  can(['read', 'create', 'delete'], 'ScheduledChange');
}

function auditorRules({ can }: Builder): void {
  can('read', [
    'User',
    'BackofficeAccount',
    ...DIRECTORY,
    'AuditEvent',
    'DirectorySource',
    'SyncRun',
  ]);
  can(['export', 'verify'], 'AuditEvent');
  can('read', [
    'CoreDelivery',
    'Import',
    'ScimToken',
    'ScheduledChange',
    'MailMessage',
    'SiemStream',
  ]);
  // Auditors read and export (docs/decisions.md "Exporting people"); they see every bulk job.
  can('export', 'User');
  can('read', 'BulkJob');
  // Access reviews: auditors read every campaign and item and download the signed reports.
  can(['read', 'export'], 'ReviewCampaign');
  can('read', 'ReviewItem');
}

/**
 * The roles an actor holds at `now`: the loaded grants whose expiry is still ahead, or the
 * standing role alone when none were loaded.
 */
export function grantsInForce(
  actor: Pick<Actor, 'role' | 'grants'>,
  now: Date = new Date(),
): EffectiveGrant[] {
  const grants =
    actor.grants ??
    (actor.role ? [{ role: actor.role, organizations: null, expiresAt: null, grantId: null }] : []);
  return grants.filter((grant) => grant.expiresAt === null || grant.expiresAt > now);
}

/**
 * Defines what an actor may do, exactly as the roles matrix of DESIGN.md says: the union of the
 * rules of every role they hold at `now` (issue 18), each inside its scope. Rank rules are
 * conditions on the target's stored `rank`, and scopes conditions on its organization, so the same
 * rules filter lists in the database.
 */
export function defineAbilityFor(
  actor: Pick<Actor, 'userId' | 'role' | 'grants'>,
  now: Date = new Date(),
): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  const { can, cannot, build } = builder;
  const grants = grantsInForce(actor, now);
  for (const grant of grants) {
    const reach = grant.organizations === null ? EVERYWHERE : within(grant.organizations);
    switch (grant.role) {
      case 'superadmin':
        superadminRules(builder);
        break;
      case 'admin':
        adminRules(builder, reach);
        break;
      case 'staff':
        staffRules(builder, reach);
        break;
      case 'auditor':
        auditorRules(builder);
        break;
    }
  }
  defineConfigChangeRules(grants, can);
  if (actor.userId && grants.some((grant) => grant.role === 'admin' || grant.role === 'staff')) {
    // A bulk job is seen and cancelled by whoever started it (superadmins and auditors: all).
    can(['read', 'delete'], 'BulkJob', { requestedById: actor.userId });
  }
  if (actor.userId && grants.length > 0) {
    // Elevation (issue 18): anyone with a back-office role may ask for more and see what they
    // asked; superadmins decide and auditors read every request. Deciding one's own request is
    // the four-eyes rule's refusal (`requireSecondPerson`), not a rule here, so it is audited
    // with its own code.
    can(['create', 'read'], 'ElevationRequest', { requesterId: actor.userId });
    if (grants.some((grant) => grant.role === 'superadmin'))
      can(['read', 'approve'], 'ElevationRequest');
    if (grants.some((grant) => grant.role === 'auditor')) can('read', 'ElevationRequest');
    // A reviewer decides the items assigned to them, whatever their role (docs/decisions.md
    // "Who reviews"): the campaign, made by a superadmin, is the authority for the revocation.
    can(['read', 'decide'], 'ReviewItem', { reviewerId: actor.userId });
  }
  if (actor.userId) {
    cannot(NEVER_ON_SELF, 'User', { id: actor.userId });
    cannot('grant', 'RoleGrant', { targetId: actor.userId });
  }
  return build();
}

/**
 * Dual control of sensitive configuration (issue 18, scope 3; docs/api.md "Configuration
 * changes"): superadmins ask for changes and decide on each other's (`approve` covers approving
 * and rejecting; that the decider is another person is `requireSecondPerson`'s rule); auditors
 * read the requests and their history. Kept in a block of its own beside the role matrix.
 */
function defineConfigChangeRules(
  grants: readonly EffectiveGrant[],
  can: AbilityBuilder<AppAbility>['can'],
): void {
  const holds = (role: EffectiveGrant['role']) => grants.some((grant) => grant.role === role);
  if (holds('superadmin')) can(['read', 'create', 'approve'], 'ConfigChange');
  if (holds('auditor')) can('read', 'ConfigChange');
}
