/**
 * The whole roles matrix of DESIGN.md, cell by cell: every role (and a plain user with no role)
 * × every action × every target kind. The expected tables below are written out by hand from
 * DESIGN.md and the issue text; they are deliberately NOT derived from server/authz.
 */
import { createMongoAbility, subject } from '@casl/ability';
import { unpackRules } from '@casl/ability/extra';
import { describe, expect, it } from 'vitest';
import {
  type Action,
  type AppAbility,
  accessibleWhere,
  asRoleGrant,
  asUserSubject,
  authorize,
  defineAbilityFor,
  packedRulesOf,
  type SubjectName,
  type Subjects,
} from '../../server/authz/index.ts';
import type { Role } from '../../server/authz/roles.ts';
import { ForbiddenError } from '../../server/shared/errors.ts';

/** The acting person: one of the four back-office roles, or a plain user with no role. */
type ActorKind = 'superadmin' | 'admin' | 'staff' | 'auditor' | 'plain';
/** Whom an action is aimed at. `superadmin` is always another superadmin than the actor. */
type Target = 'plain' | 'staff' | 'admin' | 'auditor' | 'superadmin' | 'self';
/** The role a grant gives; `none` withdraws every back-office role. */
type GrantTo = 'none' | 'staff' | 'admin' | 'auditor' | 'superadmin';

const ACTORS: readonly ActorKind[] = ['superadmin', 'admin', 'staff', 'auditor', 'plain'];
const TARGETS: readonly Target[] = ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'];
const GRANT_TO: readonly GrantTo[] = ['none', 'staff', 'admin', 'auditor', 'superadmin'];

/** Every action the service knows, listed here independently of server/authz. */
const ALL_ACTIONS: readonly Action[] = [
  'read',
  'create',
  'update',
  'delete',
  'grant',
  'manageMembers',
  'export',
  'verify',
  'configure',
  'run',
  'approve',
  'retry',
  'activate',
  'deactivate',
  'suspend',
  'changeLoginMethod',
  'reset2fa',
  'revokeSessions',
  'issueEnrollmentLink',
  'invite',
  'showInvitationLink',
  'approveAddress',
];

/** Actions on one person (a `User` subject with its id and rank). */
const USER_INSTANCE_ACTIONS: readonly Action[] = ALL_ACTIONS.filter((a) => a !== 'create');

// ---------------------------------------------------------------------------------------------
// Expected: actions on a person. Anything not listed is refused.
//  - Ranks: superadmin 3 > admin 2 = auditor 2 > staff 1 > plain 0. Nobody acts on equal or
//    higher rank, except superadmin on superadmin (so admin never acts on admin or auditor).
//  - Self: nobody activates/deactivates themselves, changes their own login method, resets their
//    own 2FA or issues their own enrollment link; a superadmin may edit their own profile and
//    revoke their own sessions (admins cannot: their own rank is not below their own).
//  - Enrollment links are issued by admins and up (issue 3: "an admin can issue and re-issue").
// ---------------------------------------------------------------------------------------------
const USER_EXPECTED: Partial<Record<Action, Partial<Record<ActorKind, readonly Target[]>>>> = {
  read: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    admin: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    staff: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    auditor: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
  },
  update: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    admin: ['plain', 'staff'],
  },
  activate: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
    staff: ['plain'],
  },
  deactivate: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
    staff: ['plain'],
  },
  // Suspension cuts a person off as deactivation does: the same rights.
  suspend: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
    staff: ['plain'],
  },
  changeLoginMethod: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
    staff: ['plain'],
  },
  reset2fa: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
  },
  revokeSessions: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    admin: ['plain', 'staff'],
  },
  issueEnrollmentLink: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
  },
  // Invitations (issue 14): a mailed link reaches the person only, so whoever may add and
  // activate people may invite them.
  invite: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
    staff: ['plain'],
  },
  // Showing the link (mail not set up) hands over a way in: admin and up, never to an equal,
  // not even superadmin to superadmin.
  showInvitationLink: {
    superadmin: ['plain', 'staff', 'admin', 'auditor'],
    admin: ['plain', 'staff'],
  },
  // Exporting the people list (issue 16) is a right of its own: those who administer people and
  // the auditor, who reads everything; staff add and act on plain users but take no lists away.
  export: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    admin: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
    auditor: ['plain', 'staff', 'admin', 'auditor', 'superadmin', 'self'],
  },
  // Approving an address changed by hand (issue 14, scope 4): whoever may edit the profile, never
  // on themselves (the "not who changed it" rule is checked per change, requireSecondPerson).
  approveAddress: {
    superadmin: ['plain', 'staff', 'admin', 'auditor', 'superadmin'],
    admin: ['plain', 'staff'],
  },
};

/** Expected: who may add people (a subject-type check; there is no target yet). */
const CREATE_USER: readonly ActorKind[] = ['superadmin', 'admin', 'staff'];

// ---------------------------------------------------------------------------------------------
// Expected: role grants, per actor → target → roles that may be given (or `none` to withdraw).
// A superadmin grants/withdraws admin, staff, auditor to anyone but themselves (also demoting
// another superadmin) and never grants superadmin; an admin only moves plain users and staff
// between none and staff; nobody changes their own role.
// ---------------------------------------------------------------------------------------------
const GRANT_EXPECTED: Record<ActorKind, Partial<Record<Target, readonly GrantTo[]>>> = {
  superadmin: {
    plain: ['none', 'staff', 'admin', 'auditor'],
    staff: ['none', 'staff', 'admin', 'auditor'],
    admin: ['none', 'staff', 'admin', 'auditor'],
    auditor: ['none', 'staff', 'admin', 'auditor'],
    superadmin: ['none', 'staff', 'admin', 'auditor'],
  },
  admin: {
    plain: ['none', 'staff'],
    staff: ['none', 'staff'],
  },
  staff: {},
  auditor: {},
  plain: {},
};

// ---------------------------------------------------------------------------------------------
// Expected: everything that is not about one person. Every action not listed is refused.
// ---------------------------------------------------------------------------------------------
type OtherSubject = Exclude<SubjectName, 'User' | 'RoleGrant'>;
const SUBJECT_EXPECTED: Record<OtherSubject, Partial<Record<Action, readonly ActorKind[]>>> = {
  BackofficeAccount: {
    read: ['superadmin', 'auditor'],
  },
  Organization: {
    read: ['superadmin', 'admin', 'auditor'],
    create: ['superadmin'],
    update: ['superadmin'],
    delete: ['superadmin'],
    // Organization membership is a person's primary organization (a profile edit), not this.
  },
  Space: {
    read: ['superadmin', 'admin', 'auditor'],
    create: ['superadmin'],
    update: ['superadmin'],
    delete: ['superadmin'],
    manageMembers: ['superadmin', 'admin'],
  },
  AuditEvent: {
    read: ['superadmin', 'auditor'],
    export: ['superadmin', 'auditor'],
    verify: ['superadmin', 'auditor'],
  },
  DirectorySource: {
    read: ['superadmin', 'admin', 'auditor'],
    configure: ['superadmin'],
    delete: ['superadmin'],
    run: ['superadmin', 'admin'],
  },
  SyncRun: {
    read: ['superadmin', 'admin', 'auditor'],
    approve: ['superadmin', 'admin'],
  },
  // Dual control of sensitive configuration (issue 18): superadmins ask and decide (another
  // superadmin than the requester: requireSecondPerson); the auditor reads the history.
  ConfigChange: {
    read: ['superadmin', 'auditor'],
    create: ['superadmin'],
    approve: ['superadmin'],
  },
  // Outbox deliveries to the messaging core (issue 6): admin and up; the auditor reads only.
  // `retry` also covers skipping a dead event.
  CoreDelivery: {
    read: ['superadmin', 'admin', 'auditor'],
    retry: ['superadmin', 'admin'],
  },
  // HR imports (issue 7): "add users (by hand or CSV)" is staff and up; the auditor reads.
  // A held import is approved as a SyncRun (admin and up).
  Import: {
    read: ['superadmin', 'admin', 'staff', 'auditor'],
    create: ['superadmin', 'admin', 'staff'],
  },
  // SCIM bearer tokens configure an HR source: superadmin only; the auditor reads (no secrets).
  ScimToken: {
    read: ['superadmin', 'auditor'],
    create: ['superadmin'],
    delete: ['superadmin'],
  },
  // Scheduled activations / deactivations; creating or cancelling one also needs activate /
  // deactivate on the person (rank rules of User apply there).
  ScheduledChange: {
    read: ['superadmin', 'admin', 'staff', 'auditor'],
    create: ['superadmin', 'admin', 'staff'],
    delete: ['superadmin', 'admin', 'staff'],
  },
  // Mail (issue 14): settings come from the configuration file only and are read-only; the
  // superadmin alone sends a test mail (`verify`); the queue (no bodies) is read by admin+auditor.
  MailSettings: {
    read: ['superadmin', 'admin'],
    verify: ['superadmin'],
  },
  MailMessage: {
    read: ['superadmin', 'admin', 'auditor'],
  },
  // The SIEM stream's status (issue 15): counts only; the stream is configured in the file.
  SiemStream: {
    read: ['superadmin', 'admin', 'auditor'],
  },
  // Bulk jobs on people (issue 16): admins and staff see and cancel their own jobs (a condition
  // on the job, checked below), superadmins every job; auditors read every job.
  BulkJob: {
    read: ['superadmin', 'admin', 'staff', 'auditor'],
    delete: ['superadmin', 'admin', 'staff'],
  },
  // Elevation requests (issue 18): every back-office role asks and reads its own (a condition
  // on the request); superadmins decide (never their own: requireSecondPerson) and auditors read.
  ElevationRequest: {
    read: ['superadmin', 'admin', 'staff', 'auditor'],
    create: ['superadmin', 'admin', 'staff', 'auditor'],
    approve: ['superadmin'],
  },
  // Access reviews (issue 18): superadmins run campaigns, auditors read them and their reports.
  ReviewCampaign: {
    read: ['superadmin', 'auditor'],
    create: ['superadmin'],
    close: ['superadmin'],
    export: ['superadmin', 'auditor'],
  },
  // Anyone with a back-office role reads and decides the items assigned to them (a condition on
  // `reviewerId`: the type-level check sees the rule); superadmins and auditors read them all.
  ReviewItem: {
    read: ['superadmin', 'admin', 'staff', 'auditor'],
    decide: ['superadmin', 'admin', 'staff', 'auditor'],
  },
};
const OTHER_SUBJECTS = Object.keys(SUBJECT_EXPECTED) as OtherSubject[];

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------
const RANK: Record<ActorKind, number> = {
  superadmin: 3,
  admin: 2,
  auditor: 2,
  staff: 1,
  plain: 0,
};

const roleOf = (kind: ActorKind | Exclude<Target, 'self'>): Role | null =>
  kind === 'plain' ? null : kind;

const ACTOR_ID: Record<ActorKind, string> = {
  superadmin: '00000000-0000-4000-8000-000000000001',
  admin: '00000000-0000-4000-8000-000000000002',
  staff: '00000000-0000-4000-8000-000000000003',
  auditor: '00000000-0000-4000-8000-000000000004',
  plain: '00000000-0000-4000-8000-000000000005',
};

/** Other people, never the actor: `superadmin` here is "another superadmin". */
const TARGET_ID: Record<Exclude<Target, 'self'>, string> = {
  plain: '10000000-0000-4000-8000-000000000001',
  staff: '10000000-0000-4000-8000-000000000002',
  admin: '10000000-0000-4000-8000-000000000003',
  auditor: '10000000-0000-4000-8000-000000000004',
  superadmin: '10000000-0000-4000-8000-000000000005',
};

/** The person a target kind stands for, as the database would store it. */
function person(
  actor: ActorKind,
  target: Target,
): { id: string; rank: number; role: Role | null; organizationId: string | null } {
  // Company-wide roles reach people of any organization, and of none (scopedMatrix.test.ts).
  if (target === 'self')
    return { id: ACTOR_ID[actor], rank: RANK[actor], role: roleOf(actor), organizationId: null };
  return { id: TARGET_ID[target], rank: RANK[target], role: roleOf(target), organizationId: null };
}

const abilities = new Map<ActorKind, AppAbility>();
function abilityOf(actor: ActorKind): AppAbility {
  let ability = abilities.get(actor);
  if (!ability) {
    ability = defineAbilityFor({ userId: ACTOR_ID[actor], role: roleOf(actor) });
    abilities.set(actor, ability);
  }
  return ability;
}

/** Whether `authorize` lets the attempt through (it throws a ForbiddenError otherwise). */
function authorizes(ability: AppAbility, action: Action, subject: Subjects): boolean {
  try {
    authorize(ability, action, subject, { auditAction: 'test.attempt' });
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
}

const yesNo = (allowed: boolean) => (allowed ? 'may' : 'may not');

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------
const userCells = ACTORS.flatMap((actor) =>
  USER_INSTANCE_ACTIONS.flatMap((action) =>
    TARGETS.map((target) => ({
      actor,
      action,
      target,
      expected: USER_EXPECTED[action]?.[actor]?.includes(target) ?? false,
    })),
  ),
);

describe('actions on a person (User)', () => {
  it.each(userCells.map((c) => ({ ...c, verb: yesNo(c.expected) })))(
    '$actor $verb $action on $target',
    ({ actor, action, target, expected }) => {
      const ability = abilityOf(actor);
      const subject = asUserSubject(person(actor, target));
      expect(ability.can(action, subject)).toBe(expected);
      expect(authorizes(ability, action, subject)).toBe(expected);
    },
  );

  it.each(ACTORS.map((actor) => ({ actor, expected: CREATE_USER.includes(actor) })))(
    '$actor: create User is $expected',
    ({ actor, expected }) => {
      expect(abilityOf(actor).can('create', 'User')).toBe(expected);
      expect(authorizes(abilityOf(actor), 'create', 'User')).toBe(expected);
    },
  );
});

const grantCells = ACTORS.flatMap((actor) =>
  TARGETS.flatMap((target) =>
    GRANT_TO.map((to) => ({
      actor,
      target,
      to,
      from: person(actor, target).role ?? 'none',
      expected: GRANT_EXPECTED[actor][target]?.includes(to) ?? false,
    })),
  ),
);

describe('role grants (RoleGrant)', () => {
  it.each(grantCells.map((c) => ({ ...c, verb: yesNo(c.expected) })))(
    '$actor $verb change $target ($from) to $to',
    ({ actor, target, to, expected }) => {
      const ability = abilityOf(actor);
      const subject = asRoleGrant(person(actor, target), to === 'none' ? null : to);
      expect(ability.can('grant', subject)).toBe(expected);
      expect(authorizes(ability, 'grant', subject)).toBe(expected);
    },
  );

  it.each(ACTORS)('%s: no action other than grant exists on RoleGrant', (actor) => {
    const subject = asRoleGrant(person(actor, 'plain'), 'staff');
    for (const action of ALL_ACTIONS.filter((a) => a !== 'grant')) {
      expect(abilityOf(actor).can(action, subject), action).toBe(false);
    }
  });
});

const subjectCells = ACTORS.flatMap((actor) =>
  OTHER_SUBJECTS.flatMap((subject) =>
    ALL_ACTIONS.map((action) => ({
      actor,
      subject,
      action,
      expected: SUBJECT_EXPECTED[subject][action]?.includes(actor) ?? false,
    })),
  ),
);

describe('organizations, spaces, audit, back-office accounts, directory sources, sync runs', () => {
  it.each(subjectCells.map((c) => ({ ...c, verb: yesNo(c.expected) })))(
    '$actor $verb $action $subject',
    ({ actor, subject, action, expected }) => {
      expect(abilityOf(actor).can(action, subject)).toBe(expected);
      expect(authorizes(abilityOf(actor), action, subject)).toBe(expected);
    },
  );
});

describe('bulk jobs (issue 16): whose job', () => {
  const mine = (actor: ActorKind) => subject('BulkJob', { requestedById: ACTOR_ID[actor] });
  const theirs = subject('BulkJob', { requestedById: TARGET_ID.plain });
  it.each([
    { actor: 'superadmin', own: true, other: true, cancelOther: true },
    { actor: 'admin', own: true, other: false, cancelOther: false },
    { actor: 'staff', own: true, other: false, cancelOther: false },
    { actor: 'auditor', own: true, other: true, cancelOther: false },
    { actor: 'plain', own: false, other: false, cancelOther: false },
  ] as const)("$actor: own $own, another's $other, cancels another's $cancelOther", (row) => {
    const ability = abilityOf(row.actor);
    expect(ability.can('read', mine(row.actor))).toBe(row.own);
    expect(ability.can('read', theirs)).toBe(row.other);
    expect(ability.can('delete', theirs)).toBe(row.cancelOther);
  });
});

describe('access reviews (issue 18): whose item', () => {
  const mine = (actor: ActorKind) => subject('ReviewItem', { reviewerId: ACTOR_ID[actor] });
  const theirs = subject('ReviewItem', { reviewerId: TARGET_ID.plain });
  it.each([
    { actor: 'superadmin', decideOwn: true, readOther: true },
    { actor: 'admin', decideOwn: true, readOther: false },
    { actor: 'staff', decideOwn: true, readOther: false },
    { actor: 'auditor', decideOwn: true, readOther: true },
    { actor: 'plain', decideOwn: false, readOther: false },
  ] as const)(
    "$actor: decides own $decideOwn, reads another's $readOther, never decides another's",
    (row) => {
      const ability = abilityOf(row.actor);
      expect(ability.can('decide', mine(row.actor))).toBe(row.decideOwn);
      expect(ability.can('read', theirs)).toBe(row.readOther);
      expect(ability.can('decide', theirs)).toBe(false);
    },
  );
});

describe('authorize', () => {
  it('throws a 403 ForbiddenError that carries the attempt for the audit log', () => {
    const target = person('staff', 'admin');
    let caught: unknown;
    try {
      authorize(abilityOf('staff'), 'deactivate', asUserSubject(target), {
        auditAction: 'user.deactivated',
        targetType: 'user',
        targetId: target.id,
        targetLabel: 'someone',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForbiddenError);
    const forbidden = caught as ForbiddenError;
    expect(forbidden.status).toBe(403);
    expect(forbidden.code).toBe('forbidden');
    expect(forbidden.attempt).toEqual({
      action: 'user.deactivated',
      targetType: 'user',
      targetId: target.id,
      targetLabel: 'someone',
    });
  });

  it('treats an actor without a user id (system, anonymous) with no role as able to do nothing', () => {
    const ability = defineAbilityFor({ userId: null, role: null });
    expect(ability.rules).toEqual([]);
    for (const action of ALL_ACTIONS) {
      expect(ability.can(action, asUserSubject(person('plain', 'plain')))).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// accessibleWhere: the list filter must select exactly the rows `can()` allows.
// ---------------------------------------------------------------------------------------------

/** The User columns a filter may name (server/directory/entities.ts: `id`, `rank`). */
const FILTERABLE_USER_FIELDS = new Set(['id', 'rank']);

type Row = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareField(operator: string, actual: unknown, operand: unknown): boolean {
  switch (operator) {
    case '$eq':
      return actual === operand;
    case '$ne':
      return actual !== operand;
    case '$lt':
      return (actual as number) < (operand as number);
    case '$lte':
      return (actual as number) <= (operand as number);
    case '$gt':
      return (actual as number) > (operand as number);
    case '$gte':
      return (actual as number) >= (operand as number);
    case '$in':
      return (operand as unknown[]).includes(actual);
    case '$nin':
      return !(operand as unknown[]).includes(actual);
    default:
      throw new Error(`unexpected field operator ${operator}`);
  }
}

/**
 * A tiny evaluator of the MikroORM/Mongo-style filters accessibleWhere produces: `$and`, `$or`,
 * `$not` at the top level; equality and `$eq/$ne/$lt/$lte/$gt/$gte/$in/$nin` on fields.
 * Anything else throws, so a new operator cannot slip through unchecked.
 */
function evaluate(condition: unknown, row: Row, fields: Set<string>): boolean {
  if (!isPlainObject(condition)) throw new Error(`not a condition: ${JSON.stringify(condition)}`);
  return Object.entries(condition).every(([key, value]) => {
    if (key === '$and') return (value as unknown[]).every((c) => evaluate(c, row, fields));
    if (key === '$or') return (value as unknown[]).some((c) => evaluate(c, row, fields));
    if (key === '$not') return !evaluate(value, row, fields);
    if (key.startsWith('$')) throw new Error(`unexpected operator ${key}`);
    fields.add(key);
    if (isPlainObject(value)) {
      return Object.entries(value).every(([operator, operand]) =>
        compareField(operator, row[key], operand),
      );
    }
    return row[key] === value;
  });
}

describe('accessibleWhere(User) selects exactly what can() allows', () => {
  const listActions: readonly Action[] = [
    'read',
    'update',
    'activate',
    'deactivate',
    'suspend',
    'changeLoginMethod',
    'reset2fa',
    'revokeSessions',
    'issueEnrollmentLink',
  ];
  const cases = ACTORS.flatMap((actor) => listActions.map((action) => ({ actor, action })));

  it.each(cases)('$actor: $action', ({ actor, action }) => {
    const ability = abilityOf(actor);
    const where = accessibleWhere(ability, action, 'User');
    const fields = new Set<string>();
    for (const target of TARGETS) {
      const row = person(actor, target);
      const listed = where === null ? false : evaluate(where, row, fields);
      expect(listed, `${target}`).toBe(ability.can(action, asUserSubject(row)));
      expect(listed, `${target} vs the expected table`).toBe(
        USER_EXPECTED[action]?.[actor]?.includes(target) ?? false,
      );
    }
    for (const field of fields) expect(FILTERABLE_USER_FIELDS.has(field), field).toBe(true);
  });

  it('returns null (no rows) for a plain user and an empty filter (all rows) for reads by staff and up', () => {
    expect(accessibleWhere(abilityOf('plain'), 'read', 'User')).toBeNull();
    for (const actor of ['superadmin', 'admin', 'staff', 'auditor'] as const) {
      const where = accessibleWhere(abilityOf(actor), 'read', 'User');
      expect(where).not.toBeNull();
      expect(evaluate(where, { id: 'anyone', rank: 3 }, new Set())).toBe(true);
    }
  });

  it.each(
    ACTORS.flatMap((actor) =>
      OTHER_SUBJECTS.map((subject) => ({
        actor,
        subject,
        expected: SUBJECT_EXPECTED[subject].read?.includes(actor) ?? false,
      })),
    ),
  )('$actor: read $subject list is $expected', ({ actor, subject, expected }) => {
    const where = accessibleWhere(abilityOf(actor), 'read', subject);
    // Admins and staff list only the bulk jobs they started (a condition on the job).
    const own = subject === 'BulkJob' && (actor === 'admin' || actor === 'staff');
    // Likewise the elevation requests they made (issue 18), and the review items assigned to them.
    const asked = subject === 'ElevationRequest' && (actor === 'admin' || actor === 'staff');
    const reviewer = subject === 'ReviewItem' && (actor === 'admin' || actor === 'staff');
    if (own) expect(where).toEqual({ $or: [{ requestedById: ACTOR_ID[actor] }] });
    else if (asked) expect(where).toEqual({ $or: [{ requesterId: ACTOR_ID[actor] }] });
    else if (reviewer) expect(where).toEqual({ $or: [{ reviewerId: ACTOR_ID[actor] }] });
    else if (expected) expect(where).toEqual({});
    else expect(where).toBeNull();
  });
});

describe('packed rules for the admin UI', () => {
  it.each(ACTORS)('%s: unpacked rules decide every person cell the same way', (actor) => {
    const unpacked = createMongoAbility<[Action, Subjects]>(
      unpackRules(packedRulesOf(abilityOf(actor))),
    );
    for (const { action, target, expected } of userCells.filter((c) => c.actor === actor)) {
      expect(
        unpacked.can(action, asUserSubject(person(actor, target))),
        `${action} ${target}`,
      ).toBe(expected);
    }
    for (const { target, to, expected } of grantCells.filter((c) => c.actor === actor)) {
      const subject = asRoleGrant(person(actor, target), to === 'none' ? null : to);
      expect(unpacked.can('grant', subject), `grant ${target} → ${to}`).toBe(expected);
    }
  });
});
