import type { EntityManager } from '@mikro-orm/postgresql';
import type { DemoOrganization } from './organizations.ts';
import type { DemoPerson } from './people.ts';
import type { DemoSpace } from './spaces.ts';

/** Rows per multi-row INSERT. */
export const BATCH_SIZE = 5000;

/** Inserts organizations with one INSERT ... SELECT FROM jsonb_to_recordset per batch. */
export async function insertOrganizations(
  em: EntityManager,
  rows: readonly DemoOrganization[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    await em.execute(
      `insert into organization (id, name, kind, parent_id, description, external_id, created_at, updated_at)
       select r."id"::uuid, r."name", r."kind", r."parentId"::uuid, r."description", r."externalId", ?, ?
       from jsonb_to_recordset(?::jsonb) as r("id" text, "name" text, "kind" text, "parentId" text,
         "description" text, "externalId" text)`,
      [at, at, JSON.stringify(rows.slice(i, i + BATCH_SIZE))],
    );
  }
}

/** Inserts one batch of people with a single INSERT ... SELECT FROM jsonb_to_recordset. */
export async function insertPeople(em: EntityManager, rows: readonly DemoPerson[]): Promise<void> {
  if (rows.length === 0) return;
  await em.execute(
    `insert into app_user (id, username, family_name, given_name, middle_name, display_name, email,
       phone, title, organization_id, status, status_changed_at, status_changed_by_id, status_reason,
       role, rank, added_by_id, initiated_by, source, created_at, updated_at)
     select r."id"::uuid, r."username", r."familyName", r."givenName", r."middleName", r."displayName",
       r."email", r."phone", r."title", r."organizationId"::uuid, r."status",
       r."statusChangedAt"::timestamptz, r."statusChangedById"::uuid, r."statusReason", r."role",
       r."rank", r."addedById"::uuid, r."initiatedBy", r."source", r."createdAt"::timestamptz,
       coalesce(r."statusChangedAt", r."createdAt")::timestamptz
     from jsonb_to_recordset(?::jsonb) as r("id" text, "username" text, "familyName" text,
       "givenName" text, "middleName" text, "displayName" text, "email" text, "phone" text,
       "title" text, "organizationId" text, "status" text, "statusChangedAt" text,
       "statusChangedById" text, "statusReason" text, "role" text, "rank" smallint,
       "addedById" text, "initiatedBy" text, "source" text, "createdAt" text)`,
    [JSON.stringify(rows)],
  );
}

/**
 * The status history of demo people deactivated earlier (their `status_changed_at`): one change
 * from active by the operator named, through the console, as the lifecycle would have recorded
 * it, so the dashboard's series and the cards show when they left. `ids`: the people of one
 * batch; null: every such person without a recorded change (a data set seeded before the demo
 * wrote history). Returns how many changes it recorded.
 */
export async function insertDemoStatusHistory(
  em: EntityManager,
  ids: readonly string[] | null,
): Promise<number> {
  if (ids !== null && ids.length === 0) return 0;
  const list = ids === null ? null : JSON.stringify(ids);
  const rows = await em.execute<{ n: number }[]>(
    `with recorded as (
       insert into user_status_change (user_id, from_status, to_status, changed_at, actor_id,
         actor_label, door, reason)
       select u.id, 'active', 'deactivated', u.status_changed_at, u.status_changed_by_id,
              coalesce(a.username, 'demo'), 'console', u.status_reason
         from app_user u left join app_user a on a.id = u.status_changed_by_id
        where u.status = 'deactivated' and u.status_changed_at is not null
          and (?::jsonb is null or u.id in (select value::uuid from jsonb_array_elements_text(?::jsonb)))
          and not exists (select 1 from user_status_change c where c.user_id = u.id)
       returning 1)
     select count(*)::int as n from recorded`,
    [list, list],
  );
  return rows[0]?.n ?? 0;
}

/** Inserts spaces with one INSERT per batch. */
export async function insertSpaces(
  em: EntityManager,
  rows: readonly DemoSpace[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    await em.execute(
      `insert into space (id, name, description, organization_id, created_at, updated_at)
       select r."id"::uuid, r."name", r."description", r."organizationId"::uuid, ?, ?
       from jsonb_to_recordset(?::jsonb) as r("id" text, "name" text, "description" text,
         "organizationId" text)`,
      [at, at, JSON.stringify(rows.slice(i, i + BATCH_SIZE).map(({ size: _, ...row }) => row))],
    );
  }
}

/** Inserts one batch of memberships ([spaceId, userId] pairs) with a single INSERT; `via` `import` (a seed: no person added them). */
export async function insertMemberships(
  em: EntityManager,
  pairs: readonly (readonly [string, string])[],
  at: Date,
): Promise<void> {
  if (pairs.length === 0) return;
  await em.execute(
    `insert into space_member (space_id, user_id, added_at, via)
     select (p->>0)::uuid, (p->>1)::uuid, ?, 'import' from jsonb_array_elements(?::jsonb) as p`,
    [at, JSON.stringify(pairs)],
  );
}
