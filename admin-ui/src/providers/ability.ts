import { createMongoAbility, type MongoAbility, subject } from '@casl/ability';
import { type PackRule, unpackRules } from '@casl/ability/extra';
import type { Role } from '../api/types';

/** The CASL ability of the signed-in person, as the server computed it. */
export type AppAbility = MongoAbility;

const RANKS: Record<Role, number> = { superadmin: 3, admin: 2, auditor: 2, staff: 1 };

/** A person's rank from their back-office role (0 for a plain user), as the server stores it. */
export function rankOf(role: Role | null | undefined): number {
  return role ? RANKS[role] : 0;
}

/** Builds the ability from the packed rules in `/me`. */
export function abilityFromPacked(packed: unknown[]): AppAbility {
  const rules = unpackRules(packed as PackRule<never>[]);
  return createMongoAbility(rules);
}

/** What the rules look at in a person: rank (in force, grants included) and organization. */
export interface PersonFacts {
  id: string;
  role: Role | null;
  /** The stored rank (issue 18: a grant may raise it above the role's); else the role's. */
  rank?: number;
  organization?: { id: string } | null;
  organizationId?: string | null;
}

/** A person's organization, whichever way a record carries it. */
function organizationOf(record: PersonFacts): string | null {
  return record.organization?.id ?? record.organizationId ?? null;
}

/**
 * The CASL subject of a person, with the fields the rules look at: a scoped role's rules name
 * organizations (issue 18), so the organization goes with the rank.
 */
export function userSubject(record: PersonFacts) {
  return subject('User', {
    id: record.id,
    rank: record.rank ?? rankOf(record.role),
    organizationId: organizationOf(record),
  });
}

/** The CASL subject of a role change of `target` to `to` (`none` for a plain user). */
export function roleGrantSubject(target: PersonFacts, to: Role | 'none') {
  return subject('RoleGrant', {
    targetId: target.id,
    targetRank: target.rank ?? rankOf(target.role),
    from: target.role ?? 'none',
    to,
  });
}

/** The resources of the UI and the CASL subject names they show. */
const RESOURCE_SUBJECTS: Record<string, string> = {
  users: 'User',
  'backoffice-accounts': 'BackofficeAccount',
  organizations: 'Organization',
  spaces: 'Space',
  'audit-events': 'AuditEvent',
  'user-sessions': 'User',
  'space-members': 'Space',
  'directory-sources': 'DirectorySource',
  'sync-runs': 'SyncRun',
  'core-deliveries': 'CoreDelivery',
  imports: 'Import',
  'scim-tokens': 'ScimToken',
  'scheduled-changes': 'ScheduledChange',
  'mail-messages': 'MailMessage',
  'mail-settings': 'MailSettings',
  'siem-stream': 'SiemStream',
  'bulk-jobs': 'BulkJob',
  'config-changes': 'ConfigChange',
  'elevation-requests': 'ElevationRequest',
  // Issue 18's access views: people views read as people, back-office views as accounts.
  'access-review': 'User',
  'access-dormant': 'User',
  'access-orphaned': 'User',
  'access-no-second-factor': 'BackofficeAccount',
  'access-unused-backoffice': 'BackofficeAccount',
  'review-campaigns': 'ReviewCampaign',
  'review-items': 'ReviewItem',
};

/** react-admin's action names mapped to the server's. */
const ACTIONS: Record<string, string> = {
  list: 'read',
  show: 'read',
  create: 'create',
  edit: 'update',
  delete: 'delete',
  export: 'export',
};

/**
 * Answers whether the signed-in person may do `action` on `resource` (optionally a `record`),
 * from the same rules the server enforces. The server stays the authority.
 */
export function canAccessWith(
  ability: AppAbility,
  action: string,
  resource: string,
  record?: {
    id?: unknown;
    role?: Role | null;
    rank?: number;
    organization?: { id: string } | null;
    organizationId?: string | null;
  },
): boolean {
  const subjectName = RESOURCE_SUBJECTS[resource];
  if (!subjectName) return false;
  // Creating a source and changing its settings are `configure` on the server.
  const caslAction =
    resource === 'directory-sources' && (action === 'edit' || action === 'create')
      ? 'configure'
      : (ACTIONS[action] ?? action);
  if (resource === 'users' && record && typeof record.id === 'string') {
    return ability.can(
      caslAction,
      userSubject({ ...record, id: record.id, role: record.role ?? null }),
    );
  }
  if (resource === 'space-members') return ability.can('manageMembers', 'Space');
  return ability.can(caslAction, subjectName);
}
