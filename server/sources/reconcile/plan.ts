import type pg from 'pg';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Queryable } from '../../db/queryable.ts';
import { PROVIDED_BY, type Precedence, type SourcedField } from '../../shared/precedence.ts';
import type { Services } from '../../shared/services.ts';
import { normalizePerson, type StagedRecord } from '../normalize.ts';
import type { SyncSource } from '../registry.ts';
import type { SourcePerson } from '../types.ts';
import { mappingParams } from './groupMappings.ts';
import { appendNoteSql, noteSql, notesSql } from './notes.ts';
import { recordUnmatchedEntries } from './unmatchedEntries.ts';

export type { Queryable } from '../../db/queryable.ts';

// Entries normalized between two turns of the event loop: phone parsing makes a normalized
// entry cost tens of microseconds, so a 5,000-entry page at once stalled the loop ~200 ms.
const NORMALIZE_SLICE = 500;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One page of a read, normalized and serialized for sync_staging (normalizePage). */
export interface NormalizedPage {
  /** The JSON array stageNormalized's statement reads. */
  json: string;
  /** Entries in it (a repeated external id keeps its last entry). */
  size: number;
  /** Each entry's digest (entryDigest.ts) as uuid text, in the array's order; null: none. */
  digests: (string | null)[] | null;
}

/**
 * Normalizes one page of a read a slice at a time, letting the event loop turn in between, and
 * serializes it for stageNormalized(). A repeated external id keeps its last entry. `digests`,
 * when given, are the entries' digests in the page's order (entryDigest.ts).
 */
export async function normalizePage(
  people: readonly SourcePerson[],
  digests: readonly (string | null)[] | null = null,
): Promise<NormalizedPage> {
  const unique = new Map<string, { record: StagedRecord; digest: string | null }>();
  for (let start = 0; start < people.length; start += NORMALIZE_SLICE) {
    if (start > 0) await nextTurn();
    const end = Math.min(people.length, start + NORMALIZE_SLICE);
    for (let index = start; index < end; index += 1) {
      const person = people[index] as SourcePerson;
      unique.set(person.externalId, {
        record: normalizePerson(person),
        digest: digests?.[index] ?? null,
      });
    }
  }
  const entries = [...unique.values()];
  return {
    json: JSON.stringify(entries.map((entry) => entry.record)),
    size: entries.length,
    digests: digests ? entries.map((entry) => entry.digest) : null,
  };
}

/**
 * Stages a normalized page with one statement (a JSON array expanded by jsonb_array_elements);
 * an external id staged by an earlier page of the run takes this page's entry. Optimistic: the
 * insert first goes without ON CONFLICT (a directory names each entry once, and a page is
 * de-duplicated already), which costs a quarter less; only a page repeating an id of an earlier
 * one is staged again with it. Runs outside a transaction (a failed statement ends alone).
 */
export async function stageNormalized(
  db: Queryable,
  runId: string,
  page: NormalizedPage,
): Promise<number> {
  if (page.size === 0) return 0;
  const insert = `insert into sync_staging (run_id, external_id, record, digest)
     select $1, x->>'externalId', x, ($3::uuid[])[n::int]
       from jsonb_array_elements($2::jsonb) with ordinality as t(x, n)`;
  const params = [runId, page.json, page.digests];
  try {
    await db.query(insert, params);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await db.query(
      `${insert} on conflict (run_id, external_id) do update set record = excluded.record, digest = excluded.digest`,
      params,
    );
  }
  return page.size;
}

/**
 * Stages the ids of entries recognized unchanged by their digest (entryDigest.ts): present in
 * the read, nothing to plan (a null record). Like stageNormalized, an id staged by an earlier
 * page takes this page's word for it.
 */
export async function stageUnchanged(
  db: Queryable,
  runId: string,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const insert = `insert into sync_staging (run_id, external_id, record, digest)
     select $1, x, null, null from unnest($2::text[]) x`;
  try {
    await db.query(insert, [runId, ids]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await db.query(
      `${insert} on conflict (run_id, external_id) do update set record = null, digest = null`,
      [runId, ids],
    );
  }
  return ids.length;
}

// Profile fields a source can write: the diff's key (also the staged record's key) → the
// app_user column. Dates are compared as text (YYYY-MM-DD).
const COLUMNS: Partial<Record<SourcedField, string>> = {
  username: 'username',
  familyName: 'family_name',
  givenName: 'given_name',
  middleName: 'middle_name',
  displayName: 'display_name',
  email: 'email',
  phone: 'phone',
  title: 'title',
  hireDate: 'hire_date',
  terminationDate: 'termination_date',
};
const DATE_FIELDS: ReadonlySet<string> = new Set(['hire_date', 'termination_date']);

// Every way an entry can match a person (these keys, LINKS' byExt, reconnection by employee
// number, an admin's decision) must also be checked by UNMATCHED_SQL (entryDigest.ts): an entry
// that matched nobody is skipped only while none of them finds someone.
const KEY_JOIN: Record<NonNullable<SyncSource['linkBy']>, string> = {
  employeeId: `u.employee_number = s.employee_id`,
  email: `lower(u.email) = s.email`,
  username: `u.username = s.username`,
};

/** How each kind of source finds the people it already feeds, and whom it may link. */
const LINKS = {
  directory: {
    byExt: 'u.source_id = $2 and u.external_id = s.external_id',
    // Never take a person owned by another source of the same kind.
    linkable: '(u.source_id is null or (u.source_id <> $2 and u.source <> $3))',
    // The person is not fed by the other kind.
    otherUnlinked: 'j.u_hr_source_id is null',
    // Found by its own id yet not fed by this kind: never (the id is the directory link).
    linkedById: 'false',
  },
  hr: {
    // HR knows people by their employee number, whichever channel brought them in.
    byExt: 'u.employee_number = s.external_id',
    // ($3, the people's source kind, only matters to directories; it is typed here because
    // PostgreSQL refuses a parameter it cannot type.)
    linkable: `u.employee_number is null and $3::text <> ''`,
    otherUnlinked: 'j.u_source_id is null',
    // Found by employee number but fed by no HR channel yet (made by hand or by a directory).
    linkedById: 'u.hr_source_id is null',
  },
} as const;

/** SQL: a staged record's termination date has ended (end of that day in the time zone $6). */
const terminated = (r: string) =>
  `(${r}->>'terminationDate' is not null and
    ((${r}->>'terminationDate')::date + 1)::timestamp at time zone $6::text <= $5::timestamptz)`;

/** SQL: whether the source says the person is suspended (`true`) or not (`false`); absent: neither. */
const suspendedSaid = (r: string, value: boolean) =>
  `coalesce((${r}->>'suspended')::boolean = ${value}, false)`;

/** SQL: a staged record's hire date is still to come. */
const startsLater = (r: string) =>
  `(${r}->>'hireDate' is not null and
    ((${r}->>'hireDate')::date)::timestamp at time zone $6::text > $5::timestamptz)`;

/**
 * The jsonb expression of one person's attribute diff: the fields the source's kind provides
 * (only those the source carries, see SourcePerson.fields), minus those the other kind wins
 * when the person is fed by both (shared/precedence.ts).
 */
function diffExpression(source: SyncSource, precedence: Precedence): string {
  const kind = source.kind;
  const parts: string[] = [];
  const guard = (field: SourcedField, attribute: string) =>
    `${precedence[field] === kind ? '' : `${LINKS[kind].otherUnlinked} and `}(j.r->'fields' is null or j.r->'fields' ? '${attribute}')`;
  for (const field of PROVIDED_BY[kind]) {
    const column = COLUMNS[field];
    if (column) {
      const stored = DATE_FIELDS.has(column) ? `j.u_${column}::text` : `j.u_${column}`;
      const current = field === 'email' ? `lower(${stored})` : stored;
      parts.push(`case when ${guard(field, field)} and ${current} is distinct from j.r->>'${field}'
        then jsonb_build_object('${field}', jsonb_build_object('from', to_jsonb(${stored}), 'to', j.r->'${field}'))
        else '{}'::jsonb end`);
    }
  }
  if (PROVIDED_BY[kind].includes('organization'))
    parts.push(`case when ${guard('organization', 'department')} and lower(j.u_org) is distinct from lower(j.r->>'department')
      then jsonb_build_object('organization', jsonb_build_object('from', to_jsonb(j.u_org), 'to', j.r->'department'))
      else '{}'::jsonb end`);
  // The correlation key itself: set when the source has one, never cleared by a source without;
  // a directory never renumbers a person HR identifies by that number.
  const keyGuard = kind === 'directory' ? 'j.u_hr_source_id is null and ' : '';
  parts.push(`case when ${keyGuard}j.r->>'employeeId' is not null and j.u_employee_number is distinct from j.r->>'employeeId'
    then jsonb_build_object('employeeNumber', jsonb_build_object('from', to_jsonb(j.u_employee_number), 'to', j.r->'employeeId'))
    else '{}'::jsonb end`);
  return `case when j.uid is null then '{}'::jsonb else ${parts.join(' || ')} end`;
}

/**
 * The staged entries with group mappings resolved, as `r`: `department` becomes the
 * organization of the first mapping (config order) whose group the person is in, if any, and
 * `spaces` lists the mapped spaces of every such mapping (sorted, for a stable diff). Without
 * mappings, the staged record as it is. `$7`: the mappings as JSON (see groupMappings.ts).
 */
function stagedSql(mapped: boolean): string {
  if (!mapped)
    // The record whole: its groups are left out where a create's record is stored (entriesSql),
    // not here, where removing them rebuilt every entry's jsonb.
    return `s as not materialized (
  select external_id, record as r, digest from sync_staging where run_id = $1 and record is not null)`;
  return `mp as (
  select (x->>'ord')::int as ord, x->>'group' as grp, x->'spaces' as spaces, x->>'organization' as org
    from jsonb_array_elements($7::jsonb) x
),
s as (
  select st.external_id,
         (st.record - 'groups') || jsonb_build_object(
           'department', coalesce(
             (select mp.org from mp where mp.org is not null and st.record->'groups' ? mp.grp
               order by mp.ord limit 1),
             st.record->>'department'),
           'spaces', coalesce(
             (select jsonb_agg(t.n order by lower(t.n)) from (
                select distinct n from mp cross join jsonb_array_elements_text(mp.spaces) n
                 where st.record->'groups' ? mp.grp) t),
             '[]'::jsonb)) as r, st.digest
    from sync_staging st where st.run_id = $1 and st.record is not null
)`;
}

/**
 * The diff of a person's mapped spaces: only spaces some mapping names count (`$8`), so a
 * membership added by hand elsewhere is never touched. Nobody deactivated (or being
 * deactivated) gets one: they keep their memberships, the core already bans them.
 */
function spacesDiff(ownStatus: string, precedence: Precedence): string {
  const sorted = (set: string) =>
    `array(select lower(x) from jsonb_array_elements_text(${set}) x order by 1)`;
  const guard = precedence.spaces === 'directory' ? '' : 'j.u_hr_source_id is null and ';
  return `case when ${guard}j.uid is not null and not j.gone
       and (j.status <> 'deactivated' or ${ownStatus})
       and ${sorted('j.u_spaces')} is distinct from ${sorted(`j.r->'spaces'`)}
    then jsonb_build_object('spaces', jsonb_build_object('from', j.u_spaces, 'to', j.r->'spaces'))
    else '{}'::jsonb end`;
}

/**
 * SQL: the old external id of `u`, a person of the source, is gone from the directory as far as
 * this run can tell (the caller has already checked that the read did not return it). A full
 * read returns everything in scope; an incremental read knows only what its absence check found
 * (see absentSql); without one, only people the source itself deactivated count as gone.
 * null: the source's policy never reconnects.
 */
function reconnectGone(
  source: SyncSource,
  full: boolean,
  absence: 'present' | 'gone' | null,
): string | null {
  if (source.kind !== 'directory' || source.settings.reconnect === 'never') return null;
  if (full) return 'true';
  const listed = `exists (select 1 from sync_absence a where a.run_id = $1 and a.external_id = u.external_id)`;
  if (absence === 'present') return `not ${listed}`;
  if (absence === 'gone') return listed;
  return 'false';
}

/** Which of the staged entries a plan statement writes: range `index` of `count` in plan order. */
interface EntrySlice {
  index: number;
  count: number;
}

/**
 * The people a run's source entries describe, matched and diffed, inserted as plan items.
 * `gone`: see reconnectGone (null: no reconnection on the employee number).
 */
function entriesSql(
  source: SyncSource,
  mapped: boolean,
  precedence: Precedence,
  gone: string | null,
  slice: EntrySlice,
): string {
  const links = LINKS[source.kind];
  const userColumns = Object.values(COLUMNS)
    .map((column) => `u.${column} as u_${column}`)
    .join(', ');
  // The source's own status: the last status change (a deactivation, a suspension) was its own
  // and nobody changed it since.
  const ownStatus = `(j.status_source is not distinct from $2 and j.status_source_at is not distinct from j.status_changed_at)`;
  // The person's current memberships of mapped spaces (one index probe per person, same statement).
  const currentSpaces = mapped
    ? `left join lateral (
      select coalesce(jsonb_agg(sp.name order by lower(sp.name)), '[]'::jsonb) as names
        from space_member sm join space sp on sp.id = sm.space_id
       where sm.user_id = u.id
         and lower(sp.name) in (select lower(value) from jsonb_array_elements_text($8::jsonb))
    ) cur on true`
    : '';
  const keyJoin = source.linkBy ? KEY_JOIN[source.linkBy] : 'false';
  // Reconnection (issue 13): an entry no person has by its id, carrying the employee number of
  // a person of this very source whose account is gone: a re-created account or a rehire. The
  // old id must not be in this read (else both accounts exist and the number is not telling
  // them apart), and the person must have left: deactivated by the source itself (its own last
  // status change), or their old id gone from the directory by this run's reading.
  const ownDeactivated = `(u.status = 'deactivated' and u.status_source is not distinct from $2
    and u.status_source_at is not distinct from u.status_changed_at)`;
  // Or an admin decided a proposal (PROPOSALS_SQL) is the same person: the same checks but the
  // employee number's. \`decided\` tells the reason apart.
  const relinkSql =
    gone === null
      ? `select null::text as external_id, null::uuid as user_id, false as decided where false`
      : `select s.external_id, u.id as user_id, false as decided
    from sk s join app_user u on u.employee_number = s.employee_id
   where u.source_id = $2 and u.external_id is not null
     and not exists (select 1 from by_ext b where b.external_id = s.external_id)
     and not exists (select 1 from sync_staging old where old.run_id = $1 and old.external_id = u.external_id)
     and (${ownDeactivated} or (u.status <> 'deactivated' and ${gone}))
  union all
  select s.external_id, u.id, true
    from sk s join sync_reconnect_decision dec
           on dec.source_id = $2 and dec.external_id = s.external_id and dec.decision = 'link'
    join app_user u on u.id = dec.user_id
   where u.source_id = $2 and u.external_id is not null
     and not exists (select 1 from by_ext b where b.external_id = s.external_id)
     and not exists (select 1 from sync_staging old where old.run_id = $1 and old.external_id = u.external_id)`;
  return `
with ${stagedSql(mapped)},
-- The keys of every entry, narrow, for the checks that look across entries: the whole records
-- are read once more where each entry is planned (m), instead of being held for every check
-- (a million of them spilled to disk, once per slice).
sk as materialized (
  select external_id, r->>'employeeId' as employee_id, r->>'email' as email,
         r->>'username' as username
    from s
),
-- Every entry's place in the plan, numbered over all of them whichever slice this statement
-- writes (computePlan): the plan's order is the same however it is computed. A slice is a
-- range of that order, so slices write to different pages of the items' indexes.
numbered as (
  select external_id, row_number() over w as seq, ntile(${slice.count}) over w as part
    from sk window w as (order by external_id)
),
by_ext as (
  select s.external_id, count(*)::int as n, (array_agg(u.id order by u.id))[1] as user_id
    from sk s join app_user u on ${links.byExt}
   group by s.external_id
),
cand as (
  select s.external_id, u.id as user_id
    from sk s join app_user u on ${keyJoin}
   where not exists (select 1 from by_ext b where b.external_id = s.external_id)
     and ${links.linkable}
),
cand_n as (
  select external_id, count(*)::int as n, (array_agg(user_id))[1] as user_id
    from cand group by external_id
),
claimed as (select user_id, count(*)::int as n from cand group by user_id),
rel as (${relinkSql}),
-- One row per entry and person: a decision that names the person the number finds too is one.
rel_n as (
  select external_id, count(distinct user_id)::int as n,
         (array_agg(user_id order by user_id))[1] as user_id, bool_or(decided) as decided
    from rel group by external_id
),
rel_claimed as (select user_id, count(distinct external_id)::int as n from rel group by user_id),
m as (
  select s.external_id, s.r, s.digest, n.seq,
         case when b.n = 1 then b.user_id end as ext_user,
         case when b.user_id is null and c.n = 1 and cl.n = 1 and rn.n is null then c.user_id
              when b.user_id is null and rn.n = 1 and rc.n = 1 and c.n is null then rn.user_id
         end as link_user,
         (b.user_id is null and rn.n = 1 and rc.n = 1 and c.n is null) as relink,
         coalesce(rn.decided, false) as decided,
         case when jsonb_array_length(coalesce(s.r->'errors', '[]'::jsonb)) > 0
                then (select string_agg(e, '; ') from jsonb_array_elements_text(s.r->'errors') e)
              when b.n > 1
                then format('%s people have this id (%s); fix it by hand', b.n, s.external_id)
              when b.user_id is null and rn.n > 1 and rn.decided
                then format('an admin''s decision and employee number %s name different former people of this source; nobody is reconnected',
                            s.r->>'employeeId')
              when b.user_id is null and rn.n > 1
                then format('%s former people of this source have employee number %s; nobody is reconnected: link one by hand',
                            rn.n, s.r->>'employeeId')
              when b.user_id is null and rn.n = 1 and rc.n > 1
                then format('%s entries of the source carry employee number %s of the same former person; nobody is reconnected',
                            rc.n, s.r->>'employeeId')
              when b.user_id is null and rn.n = 1 and c.n is not null
                then format('employee number %s belongs to a former person of this source, and %s matches another person; link one by hand',
                            s.r->>'employeeId', $4::text)
              when b.user_id is null and c.n > 1
                then format('%s people match by %s; link one by hand', c.n, $4::text)
              when b.user_id is null and c.n = 1 and cl.n > 1
                then format('%s entries of the source match the same person by %s', cl.n, $4::text)
         end as conflict,
         -- The conflict as a note; an entry's own errors are notes of the staged record.
         case when jsonb_array_length(coalesce(s.r->'errors', '[]'::jsonb)) > 0 then null
              when b.n > 1
                then ${noteSql('id_shared', { count: 'b.n', externalId: 's.external_id' })}
              when b.user_id is null and rn.n > 1 and rn.decided
                then ${noteSql('decision_number_disagree', { employeeId: "s.r->'employeeId'" })}
              when b.user_id is null and rn.n > 1
                then ${noteSql('former_number_shared', { count: 'rn.n', employeeId: "s.r->'employeeId'" })}
              when b.user_id is null and rn.n = 1 and rc.n > 1
                then ${noteSql('former_number_claimed', { count: 'rc.n', employeeId: "s.r->'employeeId'" })}
              when b.user_id is null and rn.n = 1 and c.n is not null
                then ${noteSql('former_and_match', { employeeId: "s.r->'employeeId'", key: '$4::text' })}
              when b.user_id is null and c.n > 1
                then ${noteSql('match_many', { count: 'c.n', key: '$4::text' })}
              when b.user_id is null and c.n = 1 and cl.n > 1
                then ${noteSql('match_claimed', { count: 'cl.n', key: '$4::text' })}
         end as conflict_note
    from s
    -- Numbered here, on narrow rows: joined last, the wide rows were sorted for it.
    join numbered n using (external_id)
    left join by_ext b using (external_id)
    left join cand_n c using (external_id)
    left join claimed cl on cl.user_id = c.user_id
    left join rel_n rn using (external_id)
    left join rel_claimed rc on rc.user_id = rn.user_id
   where n.part = ${slice.index + 1}
),
-- Fenced with OFFSET 0 (as are d and a): referenced several times below, these expressions
-- (time-zone arithmetic, the jsonb diff, the action) would otherwise be evaluated again for each
-- reference. A fence keeps each row's values without materializing the rows: materialized, a
-- million wide rows were written to disk twice and read back, once per slice.
j as (
  select m.external_id, m.seq, m.r, m.conflict, m.conflict_note,
         (m.link_user is not null or (m.ext_user is not null and ${links.linkedById})) as link,
         m.link_user is null as by_id, m.relink, m.decided, u.external_id as u_external_id,
         m.digest, u.xmin::text::bigint as u_xmin,
         t.terminated,
         ((m.r->>'disabled')::boolean or t.terminated) as gone,
         u.id as uid, u.status, u.status_source, u.status_source_at, u.status_changed_at,
         u.source_id as u_source_id, u.hr_source_id as u_hr_source_id,
         u.employee_number as u_employee_number, o.name as u_org, ${userColumns}
         ${mapped ? `, coalesce(cur.names, '[]'::jsonb) as u_spaces` : ''}
    from m
    cross join lateral (select ${terminated('m.r')} as terminated offset 0) t
    left join app_user u on u.id = coalesce(m.ext_user, m.link_user)
    left join organization o on o.id = u.organization_id
    ${currentSpaces}
  offset 0
),
d as (
  select j.*, (${diffExpression(source, precedence)})${mapped ? ` || ${spacesDiff(ownStatus, precedence)}` : ''}
         -- A reconnection moves the person's link to the new account: shown, and audited, as a change.
         || case when j.relink then jsonb_build_object('externalId',
              jsonb_build_object('from', j.u_external_id, 'to', j.external_id)) else '{}'::jsonb end as diff,
         case when j.uid is null or j.conflict is not null then null
              when j.gone and j.status <> 'deactivated' then 'deactivate'
              when not j.gone and j.status = 'deactivated' and ${ownStatus}
                then 'reactivate'
              when not j.gone and ${suspendedSaid('j.r', true)} and j.status in ('active', 'pending')
                then 'suspend'
              when not j.gone and ${suspendedSaid('j.r', false)} and j.status = 'suspended'
                   and ${ownStatus}
                then 'reactivate'
         end as status_change,
         (j.uid is not null and not j.gone and j.status = 'deactivated'
          and not ${ownStatus}) as kept_deactivated,
         (j.uid is not null and not j.gone and j.status = 'suspended'
          and ${suspendedSaid('j.r', false)} and not ${ownStatus}) as kept_suspended
    from j
  offset 0
),
a as (
  select d.*,
         case when d.conflict is not null then 'conflict'
              when d.uid is null and d.gone then 'unchanged'
              when d.uid is null then 'create'
              when d.status_change is not null then d.status_change
              when d.diff <> '{}'::jsonb or d.link then 'update'
              else 'unchanged'
         end as action
    from d
  offset 0
)
insert into sync_plan_item (run_id, seq, action, user_id, external_id, locator, label, diff, record, link, reason, notes, digest, user_xmin)
select $1, a.seq, a.action,
       case when a.action = 'create' then gen_random_uuid() when a.action <> 'conflict' then a.uid end,
       a.external_id, a.r->>'locator', coalesce(a.r->>'username', a.r->>'displayName'),
       case when a.action in ('conflict', 'create') then '{}'::jsonb
            when a.action in ('deactivate', 'suspend', 'reactivate') then a.diff || jsonb_build_object('status',
              jsonb_build_object('from', a.status, 'to', case a.action when 'deactivate' then 'deactivated'
                when 'suspend' then 'suspended' else 'active' end))
            else a.diff end,
       -- What the person is created with, and only that: the external id and locator are the
       -- item's own columns, a create is never disabled, and a field without a value is left
       -- out (a million creates are written here and read back by the apply: a third of each
       -- record was repeated keys and nulls).
       case when a.action = 'create'
         then jsonb_strip_nulls(a.r - array['groups', 'problems', 'errors', 'fields', 'errorNotes',
                                            'problemNotes', 'externalId', 'locator', 'disabled']) end,
       a.link and a.action <> 'conflict',
       nullif(concat_ws('; ',
         a.conflict,
         case when a.uid is null and a.gone and a.conflict is null then
           case when a.terminated then 'left on ' || (a.r->>'terminationDate') || '; not created'
                else 'disabled in the source; not created' end end,
         case when a.action = 'deactivate' then
           case when a.terminated then 'left on ' || (a.r->>'terminationDate') else 'disabled in the source' end end,
         case when a.action = 'reactivate' and a.status = 'suspended' then 'back from leave in the source' end,
         case when a.action = 'reactivate' and a.status <> 'suspended' then 'enabled again in the source' end,
         case when a.action = 'suspend' then 'on leave in the source' end,
         case when a.kept_deactivated then 'deactivated by hand; stays deactivated' end,
         case when a.kept_suspended then 'suspended by hand; stays suspended' end,
         case when a.relink and a.action <> 'conflict'
           then case when a.decided then 'reconnected by an admin''s decision'
                     else 'reconnected by employee number ' || (a.r->>'employeeId') end
                || ': the account was re-created (was ' || a.u_external_id || ')' end,
         case when a.link and not a.relink and a.action <> 'conflict'
           then 'linked by ' || case when a.by_id then 'employee number' else $4::text end end,
         case when a.action = 'create' and ${startsLater('a.r')}
           then 'starts on ' || (a.r->>'hireDate') || '; pending until then' end,
         case when a.action in ('create', 'update') and not a.gone and a.r->>'terminationDate' is not null
                   and (a.action = 'create' or a.diff ? 'terminationDate')
           then 'leaves on ' || (a.r->>'terminationDate') || '; deactivation scheduled' end,
         nullif(array_to_string(array(select jsonb_array_elements_text(a.r->'problems')), '; '), '')
       ), ''),
       ${notesSql(
         `coalesce(a.r->'errorNotes', '[]'::jsonb)`,
         [
           `a.conflict_note`,
           `case when a.uid is null and a.gone and a.conflict is null then
           case when a.terminated then ${noteSql('left_not_created', { date: "a.r->'terminationDate'" })}
                else ${noteSql('disabled_not_created')} end end`,
           `case when a.action = 'deactivate' then
           case when a.terminated then ${noteSql('left_on', { date: "a.r->'terminationDate'" })}
                else ${noteSql('disabled_in_source')} end end`,
           `case when a.action = 'reactivate' and a.status = 'suspended' then ${noteSql('back_from_leave')} end`,
           `case when a.action = 'reactivate' and a.status <> 'suspended' then ${noteSql('enabled_again')} end`,
           `case when a.action = 'suspend' then ${noteSql('on_leave')} end`,
           `case when a.kept_deactivated then ${noteSql('kept_deactivated')} end`,
           `case when a.kept_suspended then ${noteSql('kept_suspended')} end`,
           `case when a.relink and a.action <> 'conflict'
           then case when a.decided then ${noteSql('reconnected_by_decision', { was: 'a.u_external_id' })}
                     else ${noteSql('reconnected_by_number', { employeeId: "a.r->'employeeId'", was: 'a.u_external_id' })} end end`,
           `case when a.link and not a.relink and a.action <> 'conflict'
           then ${noteSql('linked_by', { key: "case when a.by_id then 'employeeId' else $4::text end" })} end`,
           `case when a.action = 'create' and ${startsLater('a.r')}
           then ${noteSql('starts_on', { date: "a.r->'hireDate'" })} end`,
           `case when a.action in ('create', 'update') and not a.gone and a.r->>'terminationDate' is not null
                   and (a.action = 'create' or a.diff ? 'terminationDate')
           then ${noteSql('leaves_on', { date: "a.r->'terminationDate'" })} end`,
         ],
         `coalesce(a.r->'problemNotes', '[]'::jsonb)`,
       )},
       -- Recorded by the person once applied (apply.ts): only an entry whose plan the clock
       -- cannot change (no termination date) and that has nothing to report (its problems
       -- are listed by every run's plan). An entry that matches nobody and is not created is
       -- recorded apart (unmatchedEntries.ts): the clock cannot bring back one that is
       -- disabled or whose last day has passed.
       case when coalesce(jsonb_array_length(a.r->'problems'), 0) > 0 then null
            when a.action in ('create', 'unchanged') and a.r->>'terminationDate' is null then a.digest
            when a.action = 'unchanged' and a.uid is null then a.digest end,
       case when a.action = 'unchanged' then a.u_xmin end
  from a`;
}

// People of this source that a full read no longer returns: deactivated, never deleted.
function missingSql(source: SyncSource): string {
  const hr = source.kind === 'hr';
  const key = hr ? 'u.employee_number' : 'u.external_id';
  return `
insert into sync_plan_item (run_id, seq, action, user_id, external_id, label, diff, reason, notes)
select $1, (select coalesce(max(seq), 0) from sync_plan_item where run_id = $1)
           + row_number() over (order by ${key}, u.id),
       'deactivate', u.id, ${key}, coalesce(u.username, u.display_name),
       jsonb_build_object('status', jsonb_build_object('from', u.status, 'to', 'deactivated')),
       '${hr ? 'not in the complete list' : 'not found in the source'}',
       jsonb_build_array(${noteSql(hr ? 'not_in_complete_list' : 'not_found_in_source')})
  from app_user u
 where u.${hr ? 'hr_source_id' : 'source_id'} = $2 and u.status <> 'deactivated'
   and not exists (select 1 from sync_staging st where st.run_id = $1 and st.external_id = ${key})
   -- Reconnected to a new account by this plan: not gone, and one item per person.
   and not exists (select 1 from sync_plan_item p where p.run_id = $1 and p.link and p.user_id = u.id)`;
}

/**
 * Incremental directory runs: people of the source the absence check says are gone (issue 13).
 * `present`: sync_absence holds every id in scope, so a managed person neither staged nor among
 * them is gone (a full run's rule, on ids only). `gone`: sync_absence holds the ids gone since
 * the cursor with their reason; someone the read staged anyway (moved back, re-read as a group
 * member) stays. Both are one anti- or semi-join on the primary keys of the run's rows.
 */
function absentSql(kind: 'present' | 'gone'): string {
  const gone =
    kind === 'present'
      ? `not exists (select 1 from sync_absence a where a.run_id = $1 and a.external_id = u.external_id)`
      : `exists (select 1 from sync_absence a where a.run_id = $1 and a.external_id = u.external_id)`;
  const reason =
    kind === 'present'
      ? `'not found in the source'`
      : `coalesce((select a.reason from sync_absence a where a.run_id = $1 and a.external_id = u.external_id), 'gone from the source')`;
  const note =
    kind === 'present'
      ? noteSql('not_found_in_source')
      : `coalesce((select a.note from sync_absence a where a.run_id = $1 and a.external_id = u.external_id), ${noteSql('gone_from_source')})`;
  return `
insert into sync_plan_item (run_id, seq, action, user_id, external_id, label, diff, reason, notes)
select $1, (select coalesce(max(seq), 0) from sync_plan_item where run_id = $1)
           + row_number() over (order by u.external_id, u.id),
       'deactivate', u.id, u.external_id, coalesce(u.username, u.display_name),
       jsonb_build_object('status', jsonb_build_object('from', u.status, 'to', 'deactivated')),
       ${reason}, jsonb_build_array(${note})
  from app_user u
 where u.source_id = $2 and u.external_id is not null and u.status <> 'deactivated'
   and not exists (select 1 from sync_staging st where st.run_id = $1 and st.external_id = u.external_id)
   and not exists (select 1 from sync_plan_item p where p.run_id = $1 and p.link and p.user_id = u.id)
   and ${gone}`;
}

/**
 * A login or email that would collide with another person (or another entry of the same read):
 * a create becomes a conflict; other changes keep going without that field. One statement for
 * both fields, equal to checking logins first and then e-mails: a create whose login clashes is
 * a conflict by then, so it no longer counts among the e-mails (each check read every item of
 * the plan, a few seconds apiece at a million people).
 */
const UNIQUENESS_SQL = (() => {
  const value = (field: string) =>
    `case when p.action = 'create' then p.record->>'${field}' else p.diff->'${field}'->>'to' end`;
  // A value two items of the plan want is found by hashing the values (such values are rare):
  // a window counting every value sorted all of them, with the collation, in both checks.
  // Materialized: the plan's rows are not analyzed yet (same transaction), and a check
  // re-evaluated per item (an inlined window, once) made 10,000 creates take minutes.
  const clash = (rows: string, column: 'login' | 'mail', current: string) => `materialized (
  select w.seq from ${rows} w
   where w.${column} is not null
     and (w.${column} in (select ${column} from ${rows} where ${column} is not null
                           group by ${column} having count(*) > 1)
          or exists (select 1 from app_user x where ${current} = w.${column}
                        and x.id is distinct from w.user_id and x.id is distinct from w.releaser)))`;
  const phrase = (field: string) =>
    `'${field} ' || coalesce(p.record->>'${field}', p.diff->'${field}'->>'to') || ' belongs to another person'`;
  const taken = (field: string, code: 'login_taken' | 'email_taken') =>
    noteSql(code, { value: `coalesce(p.record->'${field}', p.diff->'${field}'->'to')` });
  return `
with wanted as materialized (
  select p.seq, p.user_id, p.action, ${value('username')} as login, ${value('email')} as mail,
         -- A create an admin decided on: the former person named releases what they hold.
         case when p.action = 'create' then p.proposed_user_id end as releaser
    from sync_plan_item p
   where p.run_id = $1 and p.action in ('create', 'update', 'deactivate', 'reactivate')
),
login_clash as ${clash('wanted', 'login', 'x.username')},
-- The e-mails as the check after the logins sees them: without the creates it made conflicts.
mail_wanted as materialized (
  select w.* from wanted w
   where w.mail is not null
     and not (w.action = 'create' and w.seq in (select seq from login_clash))
),
mail_clash as ${clash('mail_wanted', 'mail', 'lower(x.email)')},
k as (
  select seq, bool_or(login) as login, bool_or(mail) as mail from (
    select seq, true as login, false as mail from login_clash
    union all
    select seq, false, true from mail_clash) both_checks
   group by seq
)
update sync_plan_item p
   set action = case when p.action = 'create' then 'conflict' else p.action end,
       user_id = case when p.action = 'create' then null else p.user_id end,
       record = case when p.action = 'create' then null else p.record end,
       diff = p.diff - array_remove(array[case when k.login then 'username' end,
                                          case when k.mail then 'email' end], null),
       reason = concat_ws('; ', p.reason, case when k.login then ${phrase('username')} end,
                          case when k.mail then ${phrase('email')} end),
       notes = coalesce(p.notes, '[]'::jsonb) || to_jsonb(array_remove(array[
         case when k.login then ${taken('username', 'login_taken')} end,
         case when k.mail then ${taken('email', 'email_taken')} end]::jsonb[], null))
  from k
 where p.run_id = $1 and p.seq = k.seq`;
})();

/**
 * Reconnection proposals (issue 13): a new person whose login or email is that of a person this
 * source deactivated may be that person back (a re-created account without a telling employee
 * number). Never linked on that alone, and not created either (the login is taken): a conflict
 * naming the possible match (kept in proposed_user_id), for an admin to decide (link, create
 * new, ignore: runCommands.ts decidePlanItem). The most recently deactivated match is named. An
 * entry an admin chose to ignore is left out (unchanged) while the match lasts. An entry an
 * admin chose to create stays a create, the former person kept in proposed_user_id as the one
 * who releases the login and/or email (UNIQUENESS_SQL, RELEASES_SQL; apply.ts releases them),
 * but only while the decision still describes that person: the same match, still deactivated,
 * and not deactivated again since the decision (a person reactivated meanwhile is no match at
 * all, so the login is "another person's" again). One statement; $3 is the company's time zone.
 */
const PROPOSALS_SQL = `
with created as (
  select p.seq, p.external_id, p.record->>'username' as username, p.record->>'email' as email
    from sync_plan_item p where p.run_id = $1 and p.action = 'create'
),
hit as (
  select distinct on (h.seq) h.seq, h.external_id, h.label, h.since, h.id
    from (
      select c.seq, c.external_id, coalesce(x.username, x.display_name) as label, x.status_changed_at as since, x.id
        from created c join app_user x on x.username = c.username
       where x.source_id = $2 and x.status = 'deactivated'
      union all
      select c.seq, c.external_id, coalesce(x.username, x.display_name), x.status_changed_at, x.id
        from created c join app_user x on lower(x.email) = c.email
       where x.source_id = $2 and x.status = 'deactivated'
    ) h
   order by h.seq, h.since desc nulls last, h.id
)
update sync_plan_item p
   set action = case dec.decision when 'ignore' then 'unchanged' when 'create' then 'create'
                     else 'conflict' end,
       user_id = case when dec.decision = 'create' then p.user_id end,
       record = case when dec.decision = 'create' then p.record end,
       proposed_user_id = hit.id,
       -- A create's reason is written once the uniqueness checks have let it through (RELEASES_SQL).
       reason = case when dec.decision = 'create' then p.reason else concat_ws('; ', p.reason, concat(
         case when dec.decision = 'ignore' then 'ignored by an admin''s decision: ' end, format(
         'may be the same person as %s (deactivated %s)%s',
         hit.label, coalesce(to_char(hit.since at time zone $3::text, 'YYYY-MM-DD'), 'earlier'),
         case when dec.decision is null then ': link, create new or ignore in the console' else '' end))) end,
       notes = case when dec.decision = 'create' then p.notes else ${appendNoteSql(
         `jsonb_build_object('code', case when dec.decision = 'ignore' then 'ignored_same_person'
                   when dec.decision is null then 'maybe_same_person_undecided'
                   else 'maybe_same_person' end,
           'params', jsonb_build_object('label', hit.label,
             'date', to_char(hit.since at time zone $3::text, 'YYYY-MM-DD')))`,
       )} end
  from hit
  left join sync_reconnect_decision dec
    on dec.source_id = $2 and dec.external_id = hit.external_id and dec.user_id = hit.id
   and (dec.decision = 'ignore'
        or (dec.decision = 'create' and coalesce(hit.since <= dec.decided_at, true)))
 where p.run_id = $1 and p.seq = hit.seq`;

/** Whether the source has a deactivated person, the only kind PROPOSALS_SQL can name. */
async function hasFormerPeople(db: Queryable, sourceId: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `select exists (select 1 from app_user where status = 'deactivated' and source_id = $1) as found`,
    [sourceId],
  );
  return rows[0]?.found === true;
}

/**
 * Creates an admin decided on (PROPOSALS_SQL) that passed the uniqueness checks: the reason
 * names what the former person releases to the new one, and why. One statement; $2 is the
 * company's time zone (the date).
 */
const RELEASES_SQL = `
update sync_plan_item p
   set reason = concat_ws('; ', p.reason, format(
         '%s released by %s (deactivated %s) by an admin''s decision: a new person is created',
         concat_ws(' and ',
           case when x.username = p.record->>'username' then 'login ' || x.username end,
           case when lower(x.email) = p.record->>'email' then 'e-mail ' || x.email end),
         coalesce(x.username, x.display_name, x.id::text),
         coalesce(to_char(x.status_changed_at at time zone $2::text, 'YYYY-MM-DD'), 'earlier'))),
       notes = ${appendNoteSql(`jsonb_build_object(
         'code', case when x.username = p.record->>'username' and lower(x.email) = p.record->>'email'
                        then 'released_login_email'
                      when x.username = p.record->>'username' then 'released_login'
                      else 'released_email' end,
         'params', jsonb_strip_nulls(jsonb_build_object(
           'login', case when x.username = p.record->>'username' then x.username end,
           'email', case when lower(x.email) = p.record->>'email' then x.email end,
           'label', coalesce(x.username, x.display_name, x.id::text),
           'date', to_char(x.status_changed_at at time zone $2::text, 'YYYY-MM-DD'))))`)}
  from app_user x
 where p.run_id = $1 and p.action = 'create' and x.id = p.proposed_user_id`;

// An update left with nothing to change (a clashing field removed) is unchanged after all.
const EMPTIED_SQL = `
update sync_plan_item set action = 'unchanged'
 where run_id = $1 and action = 'update' and diff = '{}'::jsonb and not link`;

/** What a plan depends on besides the source and the staged entries. */
export interface PlanContext {
  /** Who wins each attribute of a person linked to a directory and to HR. */
  precedence: Precedence;
  /** The run's clock: termination and hire dates are compared with it. */
  now: Date;
  /** The company's time zone: a date ends and begins at midnight there. */
  timeZone: string;
}

/** The plan context of a service (its clock, configured precedence and time zone). */
export function planContextOf(services: Services): PlanContext {
  return {
    precedence: services.config.hr.precedence,
    now: services.now(),
    timeZone: services.config.hr.timeZone,
  };
}

/** How many items of each action a plan has, and how many are blocked. */
export type PlanCounts = Record<string, number>;

/** Counts a run's plan items by action. */
export async function countPlan(db: Queryable, runId: string): Promise<PlanCounts> {
  const { rows } = await db.query<{ action: string; n: number; blocked: number }>(
    `select action, count(*)::int as n, count(*) filter (where blocked is not null)::int as blocked
       from sync_plan_item where run_id = $1 group by action`,
    [runId],
  );
  const counts: PlanCounts = {
    create: 0,
    update: 0,
    deactivate: 0,
    suspend: 0,
    reactivate: 0,
    conflict: 0,
    unchanged: 0,
    blocked: 0,
  };
  for (const row of rows) {
    counts[row.action] = row.n;
    counts.blocked = (counts.blocked ?? 0) + row.blocked;
  }
  return counts;
}

/** Staged entries from which a plan first refreshes the staging table's statistics. */
export const ANALYZE_STAGING_FROM = 1_000;

/**
 * Refreshes the statistics of `sync_staging` before a plan of `entries` staged entries, outside
 * any transaction (the plan's slices on other connections must see them). The table holds one
 * run at a time, so the statistics autovacuum last gathered describe an earlier run: the new
 * run's id is not among them, PostgreSQL then expects one staged row, and the plan's joins
 * become nested loops over every entry (quadratic: a million entries planned against the
 * statistics of an earlier run did not finish in ten minutes). Sampling costs a fraction of a
 * second; below `ANALYZE_STAGING_FROM` entries a poor plan costs less than that. The service's
 * role owns nothing: the owner's `sync_staging_analyze()` runs the ANALYZE.
 */
export async function analyzeStaging(db: Queryable, entries: number): Promise<void> {
  // The people's too, when a bulk load left them stale (Migration20261214000000SyncEntryDigests).
  if (entries >= ANALYZE_STAGING_FROM)
    await db.query('select sync_staging_analyze(), app_user_analyze_if_stale()');
}

/**
 * Entries to plan from which a plan is computed in slices at once. Every slice computes the
 * checks that look across entries (keys, candidates, reconnections) over all of them and plans
 * its own range only, so with few entries to plan the shared part is most of each slice: a
 * no-change run at a million people plans the 30,000 entries that match nobody in 2.6 s as one
 * statement, against 2.9 / 3.5 s and 4.0 / 4.7 s as two slices at once (docs/benchmarks.md).
 */
export const SLICED_FROM = 100_000;

/** Plan statements on connections of their own, beside the plan's transaction. */
export interface PlanParallel {
  pool: Pick<pg.Pool, 'connect'>;
  /** Slices of the staged entries computed at once (1: all in the plan's transaction). */
  slices: number;
}

/**
 * Runs the entries statement once per slice, all at once: slice 0 on `db` in the plan's
 * transaction, each other slice on a pool connection of its own, committed there (PostgreSQL
 * runs one statement on one core, and this one is most of a plan; one more connection per
 * slice, not a pool's worth). Waits for every slice before throwing the first failure, so
 * nothing is still writing when the caller cleans up.
 */
async function entriesInSlices(
  db: Queryable,
  parallel: PlanParallel,
  sql: (slice: EntrySlice) => string,
  params: unknown[],
): Promise<void> {
  const count = parallel.slices;
  const own = async (index: number) => {
    const client = await parallel.pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local work_mem = '64MB'`);
      await client.query(sql({ index, count }), params);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const results = await Promise.allSettled([
    db.query(sql({ index: 0, count }), params),
    ...Array.from({ length: count - 1 }, (_, n) => own(n + 1)),
  ]);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Computes a run's plan from its staged entries against the people in the database, in a few
 * set-based statements, then empties the staging area. `full`: people of the source the read
 * did not return are deactivated; `absence` (incremental directory reads): so are those its
 * absence check found gone (see absentSql). Does not change any person: a dry run stops here.
 * Counts nothing: the caller counts the plan once its safety rules blocked what they block (a
 * count here was a second read of every item, 1.2 s at a million).
 * With `parallel`, the entries are planned in slices at once, all but the first committed on
 * connections of their own before the rest runs on `db` (which must then see them: read
 * committed); a caller whose plan fails deletes the run's plan items. Before the plan's
 * transaction, the caller runs analyzeStaging (it cannot run here: the slices plan on other
 * connections, which see the statistics only once they are committed).
 */
export async function computePlan(
  db: Queryable,
  runId: string,
  source: SyncSource,
  full: boolean,
  context: PlanContext,
  absence: 'present' | 'gone' | null = null,
  parallel: PlanParallel | null = null,
): Promise<void> {
  const { mappings, spaceNames } = mappingParams(source);
  const mapped = mappings.length > 0;
  // A plan of tens of thousands of people sorts and hashes in memory, not on disk.
  await db.query(`set local work_mem = '64MB'`);
  // $7 and $8 only when the statement uses them: PostgreSQL refuses parameters it cannot type.
  const gone = reconnectGone(source, full, absence);
  const entries = (slice: EntrySlice) =>
    entriesSql(source, mapped, context.precedence, gone, slice);
  const params = [
    runId,
    source.id,
    source.userSource,
    source.linkBy ?? 'nothing',
    context.now,
    context.timeZone,
    ...(mapped ? [JSON.stringify(mappings), JSON.stringify(spaceNames)] : []),
  ];
  if (parallel && parallel.slices > 1) await entriesInSlices(db, parallel, entries, params);
  else await db.query(entries({ index: 0, count: 1 }), params);
  if (full) await db.query(missingSql(source), [runId, source.id]);
  else if (absence && source.kind === 'directory')
    await db.query(absentSql(absence), [runId, source.id]);
  // Before the uniqueness checks: a proposal replaces their "belongs to another person".
  // Proposals name former people of this source (deactivated), and only they release a login or
  // e-mail: without one, both statements would read every create of the plan for nothing.
  const former = gone !== null && (await hasFormerPeople(db, source.id));
  if (former) await db.query(PROPOSALS_SQL, [runId, source.id, context.timeZone]);
  await db.query(UNIQUENESS_SQL, [runId]);
  if (former) await db.query(RELEASES_SQL, [runId, context.timeZone]);
  await db.query(EMPTIED_SQL, [runId]);
  await recordUnmatchedEntries(db, runId, source, full);
  await releaseStaging(db, runId);
  await db.query('delete from sync_absence where run_id = $1', [runId]);
}

/**
 * Empties the run's staged entries, once planned or once the run has failed or been cancelled:
 * the whole table with TRUNCATE when no other run has any and nobody holds it
 * (sync_staging_release), else a DELETE of the run's own. A deleted million left its pages to
 * autovacuum, which worked through them beside the apply, and to every later run's scans of the
 * table. The truncate's lock lasts until the caller's transaction (or statement) ends.
 */
export async function releaseStaging(db: Queryable, runId: string): Promise<void> {
  const { rows } = await db.query<{ released: boolean }>(
    'select sync_staging_release($1) as released',
    [runId],
  );
  if (rows[0]?.released !== true)
    await db.query('delete from sync_staging where run_id = $1', [runId]);
}

/**
 * People the source manages now (not deactivated): the base of the safety shares. Directory and
 * HR source ids never collide (HR ids are reserved), so either link counts.
 */
export async function managedCount(db: Queryable, sourceId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from app_user
      where (source_id = $1 or hr_source_id = $1) and status <> 'deactivated'`,
    [sourceId],
  );
  return rows[0]?.n ?? 0;
}
