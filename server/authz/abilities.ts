import {
  AbilityBuilder,
  createMongoAbility,
  type ForcedSubject,
  type MongoAbility,
  type MongoQuery,
} from '@casl/ability';
import type { Actor } from './actor.ts';
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
  | UserAction;

/** The facts about a person that authorization looks at. */
export interface UserSubject {
  id: string;
  rank: number;
}

/** A bulk job on people (issue 16): who started it decides who else may see or cancel it. */
export interface BulkJobSubject {
  requestedById: string;
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
  | 'ConfigChange';

export type Subjects =
  | SubjectName
  | (UserSubject & ForcedSubject<'User'>)
  | (RoleGrantSubject & ForcedSubject<'RoleGrant'>)
  | (BulkJobSubject & ForcedSubject<'BulkJob'>);

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

/**
 * Defines what an actor may do, exactly as the roles matrix of DESIGN.md says. Rank rules are
 * conditions on the target's stored `rank`, so the same rules filter lists in the database.
 */
export function defineAbilityFor(actor: Pick<Actor, 'userId' | 'role'>): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  switch (actor.role) {
    case 'superadmin':
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
      break;
    case 'admin':
      can('read', ['User', ...DIRECTORY, 'DirectorySource', 'SyncRun']);
      can('create', 'User');
      can([...USER_ACTIONS], 'User', { rank: { $lt: 2 } });
      can('grant', 'RoleGrant', {
        targetRank: { $lt: 2 },
        from: { $in: ['none', 'staff'] },
        to: { $in: ['none', 'staff'] },
      });
      can('manageMembers', 'Space');
      can('run', 'DirectorySource');
      can('approve', 'SyncRun');
      can(['read', 'retry'], 'CoreDelivery');
      can(['read', 'create'], 'Import');
      can(['read', 'create', 'delete'], 'ScheduledChange');
      can('read', ['MailSettings', 'MailMessage', 'SiemStream']);
      can('export', 'User');
      break;
    case 'staff':
      can('read', 'User');
      can('create', 'User');
      can(STAFF_USER_ACTIONS, 'User', { rank: 0 });
      // "Add users (by hand or CSV)": imports; what an import may change is checked per person.
      can(['read', 'create'], 'Import');
      can(['read', 'create', 'delete'], 'ScheduledChange');
      break;
    case 'auditor':
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
      break;
    default:
      break;
  }
  defineConfigChangeRules(actor, can);
  if (actor.userId && (actor.role === 'admin' || actor.role === 'staff')) {
    // A bulk job is seen and cancelled by whoever started it (superadmins and auditors: all).
    can(['read', 'delete'], 'BulkJob', { requestedById: actor.userId });
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
  actor: Pick<Actor, 'role'>,
  can: AbilityBuilder<AppAbility>['can'],
): void {
  if (actor.role === 'superadmin') can(['read', 'create', 'approve'], 'ConfigChange');
  if (actor.role === 'auditor') can('read', 'ConfigChange');
}
