import type { EntityManager } from '@mikro-orm/postgresql';
import { type SqlAuditEvents, sqlAuditStaging } from '../../audit/sqlEvents.ts';
import { systemActor } from '../../authz/actor.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { type BoundValue, executeBound } from '../../db/execute.ts';
import { corePersonPayloadSql } from '../../directory/people/corePerson.ts';
import {
  changeStatus,
  type StatusResult,
  type StatusTarget,
} from '../../identity/lifecycle/changeStatus.ts';
import { notifyAfterSql, sqlEmitCte } from '../../outbox/sqlEmit.ts';
import type { PlanNote } from '../../shared/errorCodes.ts';
import type { Services } from '../../shared/services.ts';
import { cutText } from '../../shared/text.ts';
import { rescheduleFromDates } from '../hr/schedule/reschedule.ts';
import type { SyncSource } from '../registry.ts';
import { BATCH_ITEMS } from './batchItems.ts';
import { noteSql } from './notes.ts';
import { coreEvents } from './outbox.ts';
import { recordUnchangedDigests } from './recordDigests.ts';
import { releaseForCreates } from './release.ts';
import { applySpaces, type SpaceChanges } from './spaces.ts';

/** How apply proceeds; the hooks let a run stop between batches (cancel) and tests break one. */
export interface ApplyOptions {
  batchSize: number;
  /**
   * Batches applied at once, each in its own transaction, while they only create people into
   * organizations and spaces that exist; a batch that changes anyone else or makes an
   * organization or space runs alone (default 1).
   */
  concurrency?: number;
  /** Called inside each batch's transaction, after its statements: throwing rolls the batch back. */
  onBatch?: (batch: number) => void | Promise<void>;
  /** Asked before each batch; true stops the apply (a cancelled run). */
  shouldStop?: () => Promise<boolean>;
}

/** What an apply did. */
export interface ApplyCounts {
  applied: number;
  skipped: number;
  failed: number;
  sessionsRevoked: number;
  organizationsCreated: number;
  /** Spaces named by group mappings that the apply created. */
  spacesCreated: number;
  stopped: boolean;
}

const CHANGES = `('create', 'update', 'deactivate', 'suspend', 'reactivate')`;

const FIELDS: [string, string][] = [
  ['username', 'username'],
  ['familyName', 'family_name'],
  ['givenName', 'given_name'],
  ['middleName', 'middle_name'],
  ['displayName', 'display_name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['title', 'title'],
  ['hireDate', 'hire_date'],
  ['terminationDate', 'termination_date'],
];
const DATE_COLUMNS: ReadonlySet<string> = new Set(['hire_date', 'termination_date']);

// The organization of a department name: an existing one of that name (roots first), else the
// one this batch created. One hash join for the whole batch: a lateral lookup per person found
// no index for lower(name) and scanned the organizations once per row.
const orgOf = (name: string) => `left join (
  select distinct on (lower(o.name)) lower(o.name) as lname, o.id from organization o
   order by lower(o.name), o.parent_id nulls first, o.created_at, o.id) org on org.lname = lower(${name})`;

/** Hand-edited or re-synced since the plan: a field is set only if it still holds the planned `from`. */
const fieldSets = FIELDS.map(([field, column]) => {
  const date = DATE_COLUMNS.has(column);
  const stored = date ? `u.${column}::text` : `u.${column}`;
  const value = date ? `(p.diff->'${field}'->>'to')::date` : `p.diff->'${field}'->>'to'`;
  return `${column} = case when p.diff -> '${field}' is not null and ${stored} is not distinct from p.diff->'${field}'->>'from'
       then ${value} else u.${column} end`;
}).join(',\n');

/**
 * What linking a found person sets: a directory takes the person over (source, source_id,
 * external_id; one parameter: the source id); HR records its channel next to any directory
 * link (one parameter: the channel id), the employee number coming with the diff.
 */
const LINK_SETS = {
  directory: `source = case when p.link then ? else u.source end,
  source_id = case when p.link then ? else u.source_id end,
  external_id = case when p.link then p.external_id else u.external_id end,`,
  hr: `hr_source_id = case when p.link then coalesce(u.hr_source_id, ?) else u.hr_source_id end,`,
} as const;

const updateSql = (kind: SyncSource['kind']) => `
update app_user u set
  ${fieldSets},
  organization_id = case when p.diff -> 'organization' is not null then org.id else u.organization_id end,
  employee_number = case when p.diff -> 'employeeNumber' is not null then p.diff->'employeeNumber'->>'to' else u.employee_number end,
  ${LINK_SETS[kind]}
  -- The person no longer matches the entry their digest describes (entryDigest.ts): the next
  -- run plans them and, finding nothing to do, records the new one.
  sync_digest = null,
  version = u.version + 1,
  updated_at = ?
from sync_plan_item p ${orgOf(`p.diff->'organization'->>'to'`)}
where ${BATCH_ITEMS} and u.id = p.user_id
  and (p.action = 'update' or (p.action in ('deactivate', 'suspend', 'reactivate')
       and ((p.diff - 'status' - 'spaces') <> '{}'::jsonb or p.link)))
returning u.id, p.seq, p.action, p.diff - 'status' as diff, p.reason, p.external_id,
  coalesce(u.username, u.display_name) as label`;

// The items of a batch that change a person's status, for the lifecycle.
const STATUS_ITEMS_SQL = `
select p.user_id, p.action, p.reason, p.notes, p.external_id from sync_plan_item p
 where ${BATCH_ITEMS} and p.action in ('deactivate', 'suspend', 'reactivate') order by p.seq`;

// The core account of each new person, chosen as the database's insert trigger would choose it
// (their lower-cased login, unless a person ever had that account, or an earlier person of the
// batch takes it now: then "u" and their id), set-based instead of a trigger call per row.
const CORE_ACCOUNT = `case when p.record->>'username' is null then null
       when exists (select 1 from app_user x where x.core_account = lower(p.record->>'username'))
         or row_number() over (partition by lower(p.record->>'username') order by p.seq) > 1
       then 'u' || replace(p.user_id::text, '-', '') else lower(p.record->>'username') end`;

/**
 * Creates the planned people, as the CTE `created`. Parameters: now (start of a future hire day
 * is compared with it), time zone, status time, status source, status source time, login
 * method, source kind, the directory source id or null, the HR channel id or null, created,
 * updated, then the batch. A directory person is known by external_id; an HR person by the
 * employee number. `skipTaken`: a person whose login, e-mail or id another took since the plan
 * is left out (ON CONFLICT DO NOTHING, which costs a quarter more per row), else the statement
 * fails on them (applyBatch tries without it first).
 */
const createSql = (skipTaken: boolean) => `
with created as (
insert into app_user (id, username, family_name, given_name, middle_name, display_name, email, phone,
  title, organization_id, hire_date, termination_date, status, status_changed_at, status_source,
  status_source_at, login_method, source, source_id, hr_source_id, external_id, employee_number,
  core_account, created_at, updated_at, sync_digest)
select p.user_id, p.record->>'username', p.record->>'familyName', p.record->>'givenName',
       p.record->>'middleName', p.record->>'displayName', p.record->>'email', p.record->>'phone',
       p.record->>'title', org.id, (p.record->>'hireDate')::date, (p.record->>'terminationDate')::date,
       -- A newcomer already on leave is created suspended (by this source, which lifts it later).
       case when coalesce((p.record->>'suspended')::boolean, false) then 'suspended'
            when (p.record->>'hireDate')::date::timestamp at time zone ?::text > ?::timestamptz
            then 'pending' else 'active' end,
       ?, ?, ?, ?, ?, ?::text, ?::text,
       case when ?::text is null then null else p.external_id end,
       p.record->>'employeeId', ${CORE_ACCOUNT}, ?, ?, p.digest
  from sync_plan_item p ${orgOf(`p.record->>'department'`)}
 where ${BATCH_ITEMS} and p.action = 'create'
${skipTaken ? 'on conflict do nothing' : ''}
returning id, username, display_name, family_name, given_name, middle_name, email, phone, title,
  organization_id, core_account, coalesce(username, display_name) as label, external_id, status
)`;

const ORGANIZATIONS_SQL = `
with names as (
  select distinct on (lower(n)) n from (
    select p.record->>'department' as n from sync_plan_item p where ${BATCH_ITEMS} and p.action = 'create'
    union all
    select p.diff->'organization'->>'to' from sync_plan_item p where ${BATCH_ITEMS} and p.diff -> 'organization' is not null
  ) x where n is not null order by lower(n), n
)
insert into organization (id, name, kind, source)
select gen_random_uuid(), n, 'department', ? from names
 where not exists (select 1 from organization o where lower(o.name) = lower(names.n))
on conflict do nothing
returning id, name`;

/** The `user.created` event of each row the create statement returns (`created`). */
export const createdEvents = (details: { sourceId: string; runId: string }): SqlAuditEvents => ({
  action: 'user.created',
  targetType: 'user',
  targetId: 'c.id',
  targetLabel: 'c.label',
  details: {
    sourceId: 'k.source_id',
    runId: 'k.run_id',
    externalId: 'c.external_id',
    status: 'c.status',
  },
  from: 'created c cross join (select ?::text as source_id, ?::text as run_id) k',
  fromParams: [details.sourceId, details.runId],
  // The people in login order, as a reader of the log would list them.
  orderBy: 'c.label, c.id',
});

// The core hears of every new person with a login, in the order of their audit events.
const ANNOUNCE_CREATED = sqlEmitCte(
  corePersonPayloadSql('c', 'o.name'),
  'created c left join organization o on o.id = c.organization_id where c.username is not null',
  'c.label, c.id',
);

/**
 * Inserts the batch's planned people, stages their `user.created` events and writes their
 * `person.upserted` outbox events, in one statement.
 * Optimistic: first without ON CONFLICT (nobody took a login, e-mail or id since the plan, the
 * common case); if someone did, the attempt is undone to a savepoint and made again skipping
 * them (apply then marks their items failed).
 */
async function createPeople(
  em: EntityManager,
  params: BoundValue[],
  staging: { sql: string; params: (string | null)[] },
): Promise<{ id: string; external_id: string | null }[]> {
  const statement = (skipTaken: boolean) =>
    `${createSql(skipTaken)},
     audited as (${staging.sql}),
     announced as (${ANNOUNCE_CREATED})
     select id, external_id, ${notifyAfterSql('announced')} as notified from created`;
  await executeBound(em, 'savepoint sync_create', []);
  try {
    return await executeBound(em, statement(false), [...params, ...staging.params]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await executeBound(em, 'rollback to savepoint sync_create', []);
    return executeBound(em, statement(true), [...params, ...staging.params]);
  }
}

interface ChangedRow {
  id: string;
  seq: number;
  action: 'update' | 'deactivate' | 'suspend' | 'reactivate';
  diff: Record<string, { from: unknown; to: unknown }>;
  reason: string | null;
  external_id: string | null;
  label: string;
}

function split(diff: ChangedRow['diff']) {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [field, change] of Object.entries(diff)) {
    before[field] = change.from;
    after[field] = change.to;
  }
  return { before, after };
}

interface StatusItem {
  user_id: string;
  action: 'deactivate' | 'suspend' | 'reactivate';
  reason: string | null;
  /** The reason's phrases as codes (null for items of plans made before notes). */
  notes: PlanNote[] | null;
  external_id: string | null;
}

/**
 * Asks the lifecycle for the batch's deactivations and reactivations (sessions, core events,
 * status history and audit are its own). A source reactivates only people it deactivated itself;
 * an item the lifecycle holds back as the last active superadmin is marked blocked, as the plan
 * would have shown it.
 */
async function applyStatusItems(
  ctx: CommandContext,
  source: SyncSource,
  batch: BoundValue[],
  details: Record<string, unknown>,
): Promise<StatusResult[]> {
  const items = await ctx.em.execute<StatusItem[]>(STATUS_ITEMS_SQL, batch);
  const who = `${source.kind === 'hr' ? 'HR' : 'directory source'} ${source.id}`;
  const targets = (action: StatusItem['action']): StatusTarget[] =>
    items
      .filter((item) => item.action === action)
      .map((item) => ({
        id: item.user_id,
        // Cut whole: the reason quotes source values and goes to audit details (jsonb).
        reason: cutText(`${who}: ${item.reason ?? ''}`, 1000),
        // An item's notes say its reason phrase by phrase; none (older plans): the text alone.
        reasonNotes: item.notes && item.notes.length > 0 ? item.notes : null,
        details: { externalId: item.external_id },
      }));
  const cause = {
    door: source.kind === 'hr' ? 'hr-import' : 'directory',
    reason: `deactivated by ${who}`,
    sourceId: source.id,
    details,
  } as const;
  const results = [
    await changeStatus(ctx, 'deactivate', targets('deactivate'), cause),
    await changeStatus(ctx, 'suspend', targets('suspend'), {
      ...cause,
      reason: `suspended by ${who}`,
      from: ['active', 'pending'],
    }),
    await changeStatus(ctx, 'activate', targets('reactivate'), {
      ...cause,
      reason: `activated by ${who}`,
      from: ['deactivated', 'suspended'],
    }),
  ];
  const blocked = results.flatMap((r) => r.skipped.filter((s) => s.code === 'last_superadmin'));
  if (blocked.length > 0)
    await executeBound(
      ctx.em,
      `update sync_plan_item p set blocked = 'last_superadmin',
              blocked_note = ${noteSql('blocked_last_superadmin')}
        where ${BATCH_ITEMS} and p.user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
      [...batch, JSON.stringify(blocked.map((s) => s.id))],
    );
  return results;
}

/**
 * Applies one batch of a stored plan in one transaction: organizations, logins and e-mails
 * released by former people for decided creates (release.ts), creates, updates and
 * status changes as one statement each, sessions of deactivated people revoked, memberships of
 * mapped spaces added and removed (spaces.ts), the batch recorded applied (MARK_SQL), and one
 * audit event per changed person (the source as the actor), all committed
 * together. A batch that fails leaves nothing behind, so apply can simply be run again.
 */
async function applyBatch(
  services: Services,
  source: SyncSource,
  runId: string,
  range: [number, number],
  shape: BatchShape,
  index: number,
  options: ApplyOptions,
): Promise<Omit<ApplyCounts, 'stopped'>> {
  const actor = systemActor(`source:${source.id}`);
  return runCommand(services, actor, async (ctx) => {
    const { em, audit, emit } = ctx;
    const now = services.now();
    const hr = source.kind === 'hr';
    const timeZone = services.config.hr.timeZone;
    const batch = [runId, range[0], range[1]];
    const details = { sourceId: source.id, runId };
    const orgs = shape.departments
      ? await em.execute<{ id: string; name: string }[]>(ORGANIZATIONS_SQL, [
          ...batch,
          ...batch,
          source.userSource,
        ])
      : [];
    for (const org of orgs)
      audit({
        action: 'organization.created',
        targetType: 'organization',
        targetId: org.id,
        targetLabel: org.name,
        details,
      });
    // Before the creates: an admin's "create a new person" needs the former person's login
    // and/or e-mail, which the unique indexes let only one person hold.
    const released = shape.decided
      ? await releaseForCreates(em, source.id, batch, now, details)
      : { audit: [], ids: [] };
    for (const event of released.audit) audit(event);
    // The creates' events are staged by the create statement itself, after those recorded so far.
    await ctx.flushAudit();
    const staging = sqlAuditStaging(createdEvents(details), actor, services.now());
    const created = !shape.creates
      ? []
      : await createPeople(
          em,
          [
            timeZone,
            now,
            now,
            source.id,
            now,
            source.loginMethod,
            source.userSource,
            hr ? null : source.id,
            hr ? source.id : null,
            hr ? null : source.id,
            now,
            now,
            ...batch,
          ],
          staging,
        );
    const changed = shape.changes
      ? await em.execute<ChangedRow[]>(updateSql(source.kind), [
          ...(hr ? [source.id] : [source.userSource, source.id]),
          now,
          ...batch,
        ])
      : [];
    for (const row of changed)
      if (Object.keys(row.diff).length > 0 || row.action === 'update')
        audit({
          action: 'user.updated',
          targetType: 'user',
          targetId: row.id,
          targetLabel: row.label,
          reason: row.action === 'update' ? row.reason : null,
          diff: split(row.diff),
          details: { ...details, externalId: row.external_id },
        });
    // The core hears of new people first (createPeople), then of changed profiles, then of status
    // changes (the lifecycle's).
    const outbox = await coreEvents(em, [
      ...changed.map((row) => ({ id: row.id, action: 'update' as const })),
      // A released e-mail leaves the former person's core profile too, as any profile change.
      ...released.ids.map((id) => ({ id, action: 'update' as const })),
    ]);
    for (const event of outbox) emit(event);
    const statuses = shape.changes ? await applyStatusItems(ctx, source, batch, details) : [];
    const statusChanged = statuses.flatMap((result) => result.changed);
    const sessionsRevoked = statusChanged.reduce(
      (sum, row) => sum + row.artefacts.deviceSessions + row.artefacts.backofficeSessions,
      0,
    );
    // Within a run, each person has at most one item that changes them: ids identify items.
    const applied = new Set([
      ...created.map((row) => row.id),
      ...changed.filter((row) => row.action === 'update').map((row) => row.id),
      ...statusChanged.map((row) => row.id),
    ]);
    const ids = [...new Set([...applied, ...changed.map((row) => row.id)])];
    // HR dates just written: schedule (or move, or cancel) leavers' deactivations and starters'
    // activations, in this transaction.
    if (hr && ids.length > 0)
      for (const event of await rescheduleFromDates(em, {
        userIds: ids,
        sourceId: source.id,
        actorLabel: actor.label,
        actorId: null,
        now,
        timeZone,
      }))
        audit(event);
    // After the people exist (and their core upserts are queued): memberships of mapped spaces.
    // They are what the batch's digests describe (new people's; every other person the batch
    // changed has none now), so the membership trigger keeps digests for the rest of the batch.
    if (shape.spaces) await executeBound(em, `set local sync.keep_digest = 'on'`, []);
    const spaces = shape.spaces
      ? await applySpaces(em, source, batch, ids, now, details)
      : NO_SPACE_CHANGES;
    for (const event of spaces.audit) audit(event);
    for (const event of spaces.events) emit(event);
    const [outcomes] = await executeBound<{ total: number; skipped: number; failed: number }>(
      em,
      MARK_SQL,
      [runId, range[0], range[1], now, now, ...batch, JSON.stringify([...applied]), ...batch],
    );
    await options.onBatch?.(index);
    const { total = 0, skipped = 0, failed = 0 } = outcomes ?? {};
    return {
      applied: total - skipped - failed,
      skipped,
      failed,
      sessionsRevoked,
      organizationsCreated: orgs.length,
      spacesCreated: spaces.spacesCreated,
    };
  });
}

/**
 * Ends a batch: records its range as applied (sync_plan_batch: every change item of the range
 * that is not marked otherwise took, `sync_item_outcome`), and marks the items that did not
 * take: a create whose login, e-mail or id was taken since the plan failed, any other change
 * was skipped (the person changed since the plan). Writing only those, instead of every item
 * of the batch, saved a tenth of the apply (docs/decisions.md). Parameters: run, lo, hi and
 * time of the batch; the time, the batch, the ids of the people changed (jsonb), the batch.
 * Answers the batch's change items and how many were skipped and failed.
 */
const MARK_SQL = `
with recorded as (
  insert into sync_plan_batch (run_id, lo, hi, applied_at) values (?, ?, ?, ?)
),
marked as (
  update sync_plan_item p set applied_at = ?,
         outcome = case when p.action = 'create' then 'failed' else 'skipped' end,
         outcome_reason = case when p.action = 'create'
           then 'the login, email or id is taken since the plan'
           else 'the person changed since the plan' end,
         outcome_note = case when p.action = 'create' then ${noteSql('taken_since_plan')}
           else ${noteSql('changed_since_plan')} end
   where ${BATCH_ITEMS} and p.action in ${CHANGES}
     and (p.user_id is null
          or p.user_id not in (select value::uuid from jsonb_array_elements_text(?::jsonb)))
  returning p.outcome
)
select (select count(*)::int from sync_plan_item p where ${BATCH_ITEMS} and p.action in ${CHANGES}) as total,
       (select count(*)::int from marked where outcome = 'skipped') as skipped,
       (select count(*)::int from marked where outcome = 'failed') as failed`;

/**
 * What a batch holds, from its items: each statement of applyBatch that could only act on items
 * of some kind runs when the batch has one (a batch of plain creates skips the statements for
 * updates, status changes, released logins and mapped spaces, each a scan of the batch).
 */
interface BatchShape {
  creates: boolean;
  /** Items other than creates: updates and status changes. */
  changes: boolean;
  /** Creates an admin decided on, whose former person may release a login or e-mail. */
  decided: boolean;
  /** Items that name a department (a create's, or an update's new one). */
  departments: boolean;
  /** Items that name mapped spaces (a create's, or an update's change of them). */
  spaces: boolean;
}

// The next batch's range after `after` ($2) and before the next batch recorded applied ($4, the
// one FENCE_SQL found, or the end), its shape, and whether it may run beside others: it only
// creates people, into organizations and spaces that exist (creating one is not safe from a
// concurrent batch: organization names are not unique, and the batch would not see the other's
// new row). Both bounds are parameters, not a subquery: given a bound it could not see,
// PostgreSQL guessed a few rows and sorted every later item of the plan for each batch.
const NEXT_BATCH_SQL = `
with b as (
  select seq, action, record, diff, proposed_user_id from sync_plan_item
   where run_id = $1 and seq > $2 and seq < $4
     and applied_at is null and blocked is null and action in ${CHANGES}
   order by seq limit $3
)
select min(seq) as lo, max(seq) as hi,
       bool_or(action = 'create') as creates,
       bool_or(action <> 'create') as changes,
       bool_or(action = 'create' and proposed_user_id is not null) as decided,
       bool_or((action = 'create' and record->>'department' is not null)
               or diff -> 'organization' is not null) as departments,
       bool_or((action = 'create' and coalesce(record->'spaces', '[]'::jsonb) <> '[]'::jsonb)
               or diff -> 'spaces' is not null) as spaces,
       bool_and(action = 'create') and not exists (
         select 1 from sync_plan_item p
          where p.run_id = $1 and p.seq between min(b.seq) and max(b.seq) and p.action = 'create'
            and ((p.record->>'department' is not null and not exists (
                    select 1 from organization o where lower(o.name) = lower(p.record->>'department')))
              or exists (
                    select 1 from jsonb_array_elements_text(coalesce(p.record->'spaces', '[]'::jsonb)) n
                     where not exists (select 1 from space s where lower(s.name) = lower(n))))
       ) as shareable
  from b`;

// The first batch an earlier, interrupted apply of the run recorded after `after`: the next
// range stops before it, so no range holds applied items, and with nothing before it the apply
// goes on from its end.
const FENCE_SQL = `
select lo, hi from sync_plan_batch where run_id = $1 and lo > $2 order by lo limit 1`;

/** The end of the plan for NEXT_BATCH_SQL when no recorded batch lies ahead (seq is an integer). */
const NO_FENCE = 2_147_483_647;

const NO_SPACE_CHANGES: SpaceChanges = { spacesCreated: 0, audit: [], events: [] };

/** Adds one batch's counts to the run's. */
function addCounts(totals: ApplyCounts, counts: Omit<ApplyCounts, 'stopped'>): void {
  totals.applied += counts.applied;
  totals.skipped += counts.skipped;
  totals.failed += counts.failed;
  totals.sessionsRevoked += counts.sessionsRevoked;
  totals.organizationsCreated += counts.organizationsCreated;
  totals.spacesCreated += counts.spacesCreated;
}

/**
 * Applies a run's stored plan batch by batch, in plan order. Items already applied (by an
 * earlier, interrupted apply of the same run) are skipped, so calling it again resumes. Batches
 * that only create people run up to `concurrency` at once (PostgreSQL then uses more than one
 * core); every other batch waits for those in flight and runs alone. A failed batch stops the
 * dispatch; the batches in flight still end, each committed whole or not at all, and the
 * failure is thrown.
 */
export async function applyPlan(
  services: Services,
  source: SyncSource,
  runId: string,
  options: ApplyOptions,
): Promise<ApplyCounts> {
  const totals: ApplyCounts = {
    applied: 0,
    skipped: 0,
    failed: 0,
    sessionsRevoked: 0,
    organizationsCreated: 0,
    spacesCreated: 0,
    stopped: false,
  };
  await recordUnchangedDigests(services.pool, runId);
  const concurrency = options.concurrency ?? 1;
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let after = 0;
  let index = 0;
  while (failure === null) {
    if (await options.shouldStop?.()) {
      totals.stopped = true;
      break;
    }
    const { rows: fences } = await services.pool.query<{ lo: number; hi: number }>(FENCE_SQL, [
      runId,
      after,
    ]);
    const fence = fences[0];
    const { rows } = await services.pool.query<
      { lo: number | null; hi: number | null; shareable: boolean | null } & BatchShape
    >(NEXT_BATCH_SQL, [runId, after, options.batchSize, fence?.lo ?? NO_FENCE]);
    const { lo, hi, shareable, ...shape } = rows[0] ?? {};
    if (lo == null || hi == null) {
      if (!fence) break;
      after = fence.hi;
      continue;
    }
    after = hi;
    const alone = concurrency === 1 || !shareable;
    if (alone) await Promise.all(running);
    while (running.size >= concurrency) await Promise.race(running);
    if (failure) break;
    const task: Promise<void> = applyBatch(
      services,
      source,
      runId,
      [lo, hi],
      shape as BatchShape,
      index++,
      options,
    ).then(
      (counts) => addCounts(totals, counts),
      (error: unknown) => {
        failure ??= { error };
      },
    );
    running.add(task);
    void task.finally(() => running.delete(task));
    if (alone) await task;
  }
  await Promise.all(running);
  if (failure) throw (failure as { error: unknown }).error;
  return totals;
}
