import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type CommandContext, runCommand } from '../../../../commands/runCommand.ts';
import { User } from '../../../../directory/entities.ts';
import { ForbiddenError } from '../../../../shared/errors.ts';
import {
  SOURCED_FIELDS,
  type SourcedField,
  writableFields,
} from '../../../../shared/precedence.ts';
import { coreEvents } from '../../../reconcile/outbox.ts';
import { SCIM_SOURCE_ID } from '../../source.ts';
import { isUuid, type ScimRequest, scimActor } from '../context.ts';
import { ScimError, scimConflict, scimNotFound } from '../errors.ts';
import { filterToSql, type SqlCondition } from '../filterSql.ts';
import type { UserFields } from './input.ts';
import { USER_COLUMNS } from './list.ts';
import { organizationIdByName } from './organization.ts';
import { loadUserResource } from './read.ts';
import { SCIM_ID, SCIM_VISIBLE, USER_NAME_FOLDED } from './resource.ts';
import { applyDates, applyStatus, initialStatus } from './saveStatus.ts';

/** The profile fields of app_user a SCIM User writes, with the sourced field that owns each. */
const PROFILE: [keyof UserFields & keyof User, SourcedField][] = [
  ['username', 'username'],
  ['familyName', 'familyName'],
  ['givenName', 'givenName'],
  ['middleName', 'middleName'],
  ['displayName', 'displayName'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['title', 'title'],
];

/** Audited changes the messaging core does not hear of (SCIM's resource id and userName). */
const SCIM_ONLY = new Set(['userName', 'scimId']);

/** Back-office accounts (admins, auditors, superadmins) are out of SCIM's reach. */
const MAX_RANK = 1;

/** What SCIM keeps of a person beside the entity (columns only SCIM reads and writes). */
export interface ScimLink {
  /** The id SCIM knows the person by. */
  scimId: string;
  /** The userName SCIM answers: as stored, else the login. */
  userName: string | null;
}

/** A person locked for a change, with their SCIM link. */
export interface LockedUser {
  user: User;
  link: ScimLink;
}

interface LinkRow {
  id: string;
  scim_id: string;
  user_name: string | null;
}

const LINK_SELECT = `select u.id, ${SCIM_ID} as scim_id,
  coalesce(u.scim_user_name, u.username) as user_name from app_user u`;

/** The entity of a locked row; 403 for back-office accounts, 412 for a stale If-Match. */
async function lockedPerson(
  em: EntityManager,
  row: LinkRow,
  ifMatch: string | undefined,
  action: 'user.updated' | 'user.deactivated',
): Promise<LockedUser> {
  const user = await em.findOneOrFail(User, row.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (user.rank > MAX_RANK)
    throw new ForbiddenError(
      {
        action,
        targetType: 'user',
        targetId: user.id,
        targetLabel: user.username ?? user.displayName,
      },
      'SCIM clients may not change back-office accounts (staff only and below)',
      'scim_forbidden',
    );
  if (
    ifMatch &&
    ifMatch !== '*' &&
    !ifMatch.split(',').some((tag) => tag.trim() === `W/"${user.version}"`)
  )
    throw new ScimError(
      412,
      null,
      'The resource has changed (If-Match does not match its version)',
    );
  return {
    user,
    link: { scimId: row.scim_id, userName: row.user_name },
  };
}

/**
 * Loads a person by SCIM id for a change, locked; 404 for an unknown id and for a person a SCIM
 * client deleted (RFC 7644 §3.6), 403 (rank) and 412 (If-Match) here.
 */
export async function lockUser(
  em: EntityManager,
  id: string,
  ifMatch: string | undefined,
  action: 'user.updated' | 'user.deactivated',
): Promise<LockedUser> {
  const [row] = isUuid(id)
    ? await em.execute<LinkRow[]>(
        `${LINK_SELECT} where ${SCIM_ID} = ? and ${SCIM_VISIBLE} for update`,
        [id],
      )
    : [];
  if (!row) throw scimNotFound(`User ${id} not found`);
  return lockedPerson(em, row, ifMatch, action);
}

/** A `$n`-numbered condition of filterToSql in the `?` form of em.execute. */
function positional(condition: SqlCondition): [string, unknown[]] {
  const params: unknown[] = [];
  const sql = condition.sql.replace(/\$(\d+)/g, (_, n: string) => {
    params.push(condition.params[Number(n) - 1]);
    return '?';
  });
  return [sql, params];
}

/**
 * The person a SCIM client deleted whom `userName eq "<userName>"` finds, locked: a POST with
 * their userName reconnects them as a new SCIM resource (docs/scim.md). Two such people is a
 * conflict (409), never a guess.
 */
async function deletedNamesake(em: EntityManager, userName: string): Promise<LockedUser | null> {
  const [sql, params] = positional(
    filterToSql({ kind: 'compare', path: 'userName', op: 'eq', value: userName }, USER_COLUMNS),
  );
  const rows = await em.execute<LinkRow[]>(
    `${LINK_SELECT} where u.scim_deleted_at is not null and (${sql}) order by u.id limit 2 for update`,
    params,
  );
  const [row] = rows;
  if (!row) return null;
  if (rows.length > 1)
    throw scimConflict('More than one person deleted through SCIM has this userName');
  return lockedPerson(em, row, undefined, 'user.updated');
}

/**
 * 409 uniqueness when another person SCIM shows answers to `userName` (compared
 * case-insensitively); people a SCIM client deleted do not count (RFC 7644 §3.6).
 */
async function assertUserNameFree(
  em: EntityManager,
  userName: string,
  userId: string,
): Promise<void> {
  const taken = await em.execute<{ id: string }[]>(
    `select u.id from app_user u
      where ${USER_NAME_FOLDED} = lower(?::text) collate "C" and u.id <> ? and ${SCIM_VISIBLE}
      limit 1`,
    [userName, userId],
  );
  if (taken.length > 0) throw scimConflict(`userName ${userName} is already taken`);
}

/**
 * Creates (id null) or replaces a person from a SCIM User, in one transaction: profile fields
 * (only those HR wins when the person is also linked to a directory, see shared/precedence.ts), the
 * department, employee number and SCIM externalId, the status (active), and the dates with their
 * scheduled changes. Audited and sent to the messaging core like the manual commands.
 */
export function saveUser(
  request: ScimRequest,
  id: string | null,
  fields: UserFields,
  ifMatch?: string,
): Promise<{ resource: Record<string, unknown>; created: boolean }> {
  const { services } = request;
  return runCommand(services, scimActor(request), async (ctx) => {
    const { em, audit, emit } = ctx;
    const now = services.now();
    // A POST with the userName of a person SCIM deleted reconnects that person.
    const locked = id
      ? await lockUser(em, id, ifMatch, 'user.updated')
      : await deletedNamesake(em, fields.userName);
    const reconnected = !id && locked !== null;
    const existing = locked?.user ?? null;
    const linked = existing?.sourceId != null;
    const allowed = new Set<SourcedField>(
      linked ? writableFields('hr', true, services.config.hr.precedence) : SOURCED_FIELDS,
    );
    const user =
      existing ??
      em.create(User, {
        id: randomUUID(),
        username: fields.username,
        familyName: fields.familyName,
        givenName: fields.givenName,
        displayName: fields.displayName,
        status: 'active',
        statusChangedAt: now,
        role: null,
        rank: 0,
        source: 'scim',
        loginMethod: 'password',
        hrSourceId: SCIM_SOURCE_ID,
        initiatedBy: `SCIM (${request.client.tokenName})`,
      });
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const set = <K extends keyof User>(key: K, value: User[K]) => {
      if ((user[key] ?? null) === (value ?? null)) return;
      before[key as string] = user[key] ?? null;
      after[key as string] = value ?? null;
      user[key] = value;
    };
    for (const [key, field] of PROFILE) if (allowed.has(field)) set(key, fields[key]);
    if (allowed.has('organization'))
      set('organizationId', await organizationIdByName(em, fields.department, audit));
    set('employeeNumber', fields.employeeNumber);
    set('scimExternalId', fields.externalId);
    if (!user.hrSourceId) set('hrSourceId', SCIM_SOURCE_ID);
    const datesChanged =
      (allowed.has('hireDate') && (user.hireDate ?? null) !== fields.hireDate) ||
      (allowed.has('terminationDate') && (user.terminationDate ?? null) !== fields.terminationDate);
    if (allowed.has('hireDate')) set('hireDate', fields.hireDate);
    if (allowed.has('terminationDate')) set('terminationDate', fields.terminationDate);
    if (!existing) {
      user.status = await initialStatus(request, ctx, fields);
      if (user.status !== 'active') user.statusReason = 'created by SCIM';
      // A new person's audit shows every value it was created with.
      for (const [key] of PROFILE) after[key] = user[key] ?? null;
      after.status = user.status;
    }
    // userName is SCIM's own identifier, written as sent whatever the precedence (like
    // externalId); an unchanged one is not written, so people whose userName was never stored
    // keep answering to their login.
    const userNameChanged = !locked || locked.link.userName !== fields.userName;
    if (userNameChanged || reconnected) await assertUserNameFree(em, fields.userName, user.id);
    if (userNameChanged) {
      if (existing) before.userName = locked?.link.userName ?? null;
      after.userName = fields.userName;
    }
    const scimId = reconnected ? randomUUID() : null;
    if (reconnected && locked) {
      before.scimId = locked.link.scimId;
      after.scimId = scimId;
    }
    await em.flush();
    if (userNameChanged || reconnected) {
      // Columns the entity does not map: a new resource version when an existing row changes.
      await em.execute(
        `update app_user set scim_user_name = ?,
           scim_id = coalesce(?::uuid, scim_id),
           scim_deleted_at = case when ? then null else scim_deleted_at end,
           version = version + ?, updated_at = case when ? then ?::timestamptz else updated_at end
         where id = ?`,
        [
          fields.userName,
          scimId,
          reconnected,
          existing ? 1 : 0,
          existing !== null,
          now.toISOString(),
          user.id,
        ],
      );
      if (existing) await em.refresh(user);
    }
    const label = user.username ?? user.displayName;
    if (!existing || Object.keys(after).length > 0)
      audit({
        action: existing ? 'user.updated' : 'user.created',
        targetType: 'user',
        targetId: user.id,
        targetLabel: label,
        diff: existing ? { before, after } : { after },
        details: {
          source: SCIM_SOURCE_ID,
          client: request.client.tokenName,
          linkedToDirectory: linked,
          ...(reconnected ? { scimReconnected: true } : {}),
        },
      });
    // The core hears of the profile first, then of any status change the lifecycle makes.
    const profileChanged = Object.keys(after).some((key) => !SCIM_ONLY.has(key));
    const profile = !existing ? 'create' : profileChanged ? 'update' : null;
    if (profile)
      for (const event of await coreEvents(em, [{ id: user.id, action: profile }])) emit(event);
    // Re-created by the client: active unless it says otherwise, which the lifecycle grants only
    // if SCIM itself deactivated them (a manual deactivation sticks).
    if (existing)
      await applyStatus(
        request,
        ctx,
        user,
        reconnected ? { ...fields, active: fields.active ?? true } : fields,
      );
    if (datesChanged || (!existing && (user.hireDate || user.terminationDate)))
      await applyDates(request, ctx, user);
    return {
      resource: await loadUserResource(em, user.id, request.origin),
      created: !existing || reconnected,
    };
  });
}

/** Records that a SCIM client deleted the person (hidden from SCIM from now on), audited. */
export async function markScimDeleted(
  request: ScimRequest,
  ctx: CommandContext,
  user: User,
  link: ScimLink,
): Promise<void> {
  const at = request.services.now().toISOString();
  await ctx.em.execute('update app_user set scim_deleted_at = ?::timestamptz where id = ?', [
    at,
    user.id,
  ]);
  ctx.audit({
    action: 'user.updated',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.username ?? user.displayName,
    diff: { before: { scimDeletedAt: null }, after: { scimDeletedAt: at } },
    details: {
      source: SCIM_SOURCE_ID,
      client: request.client.tokenName,
      scimDeleted: true,
      scimId: link.scimId,
      userName: link.userName,
      status: user.status,
    },
  });
}
