import { ZodError } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import type { ApplyNote } from '../commands/configChanges/gate.ts';
import { underDualControl } from '../commands/configChanges/gate.ts';
import type { GateOutcome } from '../commands/configChanges/schemas.ts';
import { type CommandContext, runCommand } from '../commands/runCommand.ts';
import {
  bindTargetOf,
  type DirectorySource,
  directorySourceSchema,
  storedConnectionOf,
} from '../shared/config/directorySources.ts';
import { DEFAULT_SYNC_SETTINGS } from '../shared/config/directorySync.ts';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.ts';
import { fieldProblemsOf } from '../shared/fieldProblems.ts';
import type { Services } from '../shared/services.ts';
import { sealBindPassword } from '../shared/storedSources.ts';
import { sealedPayload, sourceVersion, versionOfRow } from './configChangePayload.ts';
import { DirectorySourceRow } from './entities.ts';
import { HR_SOURCE_IDS } from './hr/source.ts';
import { findSource, fromRow, listSources } from './registry.ts';
import {
  type BindPasswordChange,
  type CreateSourceBody,
  presentSource,
  type SourceChangeView,
  type SourceView,
  type UpdateSourceBody,
} from './schemas.ts';

/** Lists every source, config and API ones (read: superadmin, admin, auditor). */
export function listDirectorySources(
  services: Services,
  actor: Actor,
): Promise<{ data: SourceView[]; total: number }> {
  return runCommand(services, actor, async ({ ability }) => {
    authorize(ability, 'read', 'DirectorySource', {
      auditAction: 'directory_source.listed',
      targetType: 'directory_source',
    });
    const data = (await listSources(services)).map(presentSource);
    return { data, total: data.length };
  });
}

/** One source. */
export function getDirectorySource(
  services: Services,
  actor: Actor,
  id: string,
): Promise<SourceView> {
  return runCommand(services, actor, async ({ ability }) => {
    authorize(ability, 'read', 'DirectorySource', {
      auditAction: 'directory_source.viewed',
      targetType: 'directory_source',
      targetId: id,
    });
    return presentSource(await findSource(services, id));
  });
}

/**
 * Validates connection settings with the config schema; problems name their field under
 * `connection.` (the body's shape), so a refused `bindPasswordEnv` reads
 * `connection.bindPasswordEnv: must be the name of … DIRECTORY_BIND_PASSWORD_…`.
 */
function parseConnection(input: Record<string, unknown>): DirectorySource {
  try {
    return directorySourceSchema.parse(input);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const unknownField = error.issues.some((issue) => issue.code === 'unrecognized_keys');
    throw new AppError(
      400,
      unknownField ? 'unknown_field' : 'validation_failed',
      'The connection settings are not valid',
      {
        errors: fieldProblemsOf(error).map((problem) => ({
          ...problem,
          path: problem.path === '' ? 'connection' : `connection.${problem.path}`,
        })),
      },
    );
  }
}

/**
 * One password per source: a stored one or a variable's name, never both (which one a bind used
 * would be a guess).
 */
function refuseTwoPasswords(connection: DirectorySource, stored: boolean): void {
  if (stored && connection.bindPasswordEnv)
    throw badRequest(
      'bind_password_conflict',
      'A source has one password: stored or from a variable',
      [
        {
          path: 'bindPassword',
          message:
            'this source names connection.bindPasswordEnv: send "bindPasswordEnv": null in connection to store a password instead, or clear the stored one with "bindPassword": null',
        },
      ],
    );
}

/** 409 `source_defined_in_config` for a source of config/: the API never changes or deletes it. */
export function refuseConfigSource(services: Services, id: string): void {
  if (services.config.directorySources.some((source) => source.id === id))
    throw conflict(
      'source_defined_in_config',
      'This source is defined in the configuration; change it there',
    );
}

/**
 * Defines a source through the API (superadmin). The connection is validated like config ones; a
 * `bindPassword` is sealed in the service (server/shared/storedSources.ts) and never returned.
 */
export function createDirectorySource(
  services: Services,
  actor: Actor,
  body: CreateSourceBody,
): Promise<GateOutcome<SourceChangeView>> {
  return runCommand(services, actor, async (ctx) => {
    authorizeConfigure(ctx, 'directory_source.created', body.id);
    return underDualControl(
      ctx,
      {
        setting: 'directory_source',
        operation: 'create',
        targetId: body.id,
        targetLabel: body.name,
        payload: sealedPayload(services, body.id, body),
        baseVersion: await sourceVersion(ctx, body.id),
      },
      (applyCtx, note) => applyCreateSource(applyCtx, body, note),
    );
  });
}

/**
 * Creates the source: the code path of `POST /directory-sources`, run at once or when a second
 * superadmin approves (sources/configChangeApplier.ts). `note` joins the audit details.
 */
export async function applyCreateSource(
  ctx: CommandContext,
  body: CreateSourceBody,
  note?: ApplyNote,
): Promise<SourceChangeView> {
  const { em, ability, audit, services } = ctx;
  authorize(ability, 'configure', 'DirectorySource', {
    auditAction: 'directory_source.created',
    targetType: 'directory_source',
    targetId: body.id,
  });
  refuseConfigSource(services, body.id);
  // HR channels own these ids: people and runs are told apart by source id alone.
  if ((HR_SOURCE_IDS as readonly string[]).includes(body.id))
    throw conflict('reserved_source_id', `The id ${body.id} is reserved for an HR channel`);
  const connection = parseConnection({ ...body.connection, id: body.id });
  const password = body.bindPassword ?? null;
  refuseTwoPasswords(connection, password !== null);
  const row = em.create(DirectorySourceRow, {
    id: body.id,
    kind: connection.kind,
    name: body.name,
    config: storedConnectionOf(connection),
    schedule: body.schedule ?? DEFAULT_SYNC_SETTINGS.schedule,
    thresholds: body.thresholds ?? DEFAULT_SYNC_SETTINGS.thresholds,
    correlateBy: body.correlateBy,
    reconnect: body.reconnect,
    enabled: body.enabled,
    cursor: null,
    bindPasswordSealed:
      password === null
        ? null
        : sealBindPassword(services.keys.sourcePasswords, connection, password),
    bindPasswordChangedAt: password === null ? null : services.now(),
  });
  await em.flush();
  const view = presentSource(fromRow(services, row));
  const bindPasswordChange: BindPasswordChange | null = password === null ? null : 'set';
  audit({
    action: 'directory_source.created',
    targetType: 'directory_source',
    targetId: row.id,
    targetLabel: row.name,
    diff: { after: view },
    ...(bindPasswordChange || note
      ? { details: { ...note, ...(bindPasswordChange ? { bindPasswordChange } : {}) } }
      : {}),
  });
  return { ...view, bindPasswordChange };
}

/**
 * The merged connection of a PATCH: `changes` over `current`, a null removing a key. When the bind
 * target changes (see bindTargetOf), a `bindPasswordEnv` the request does not name again is
 * dropped too: like a stored password, a variable's value must not follow the source to a new
 * host unless the superadmin says so in the same request.
 */
function mergeConnection(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  // `baseDn` is the older spelling of `baseDns`: a change naming either replaces both, or a
  // stored `baseDns` would contradict a new `baseDn`.
  const replacesBases = 'baseDn' in changes || 'baseDns' in changes;
  const kept = Object.entries(current).filter(
    ([key]) => !(replacesBases && (key === 'baseDn' || key === 'baseDns')),
  );
  // Object.fromEntries defines own properties: a `__proto__` key from JSON stays a plain (unknown,
  // refused) key instead of replacing the prototype.
  return Object.fromEntries(
    [...kept, ...Object.entries(changes)].filter(([key]) => changes[key] !== null),
  );
}

/**
 * Changes an API-defined source (superadmin); config sources answer 409. `bindPassword` sets or
 * (null) clears the stored password; a new URL, bind DN or TLS setting clears it as well, so a
 * stored password is never sent to a host or over a channel it was not typed for.
 */
export function updateDirectorySource(
  services: Services,
  actor: Actor,
  id: string,
  body: UpdateSourceBody,
): Promise<GateOutcome<SourceChangeView>> {
  return runCommand(services, actor, async (ctx) => {
    authorizeConfigure(ctx, 'directory_source.updated', id);
    refuseConfigSource(services, id);
    const row = await ctx.em.findOne(DirectorySourceRow, { id });
    if (!row) throw notFound('Directory source');
    return underDualControl(
      ctx,
      {
        setting: 'directory_source',
        operation: 'update',
        targetId: id,
        targetLabel: row.name,
        payload: sealedPayload(services, id, body),
        baseVersion: versionOfRow(row),
      },
      (applyCtx, note) => applyUpdateSource(applyCtx, id, body, note),
    );
  });
}

/**
 * Changes the source: the code path of `PATCH /directory-sources/:id`, run at once or when a
 * second superadmin approves (sources/configChangeApplier.ts). `note` joins the audit details.
 */
export async function applyUpdateSource(
  ctx: CommandContext,
  id: string,
  body: UpdateSourceBody,
  note?: ApplyNote,
): Promise<SourceChangeView> {
  const { em, ability, audit, services } = ctx;
  authorize(ability, 'configure', 'DirectorySource', {
    auditAction: 'directory_source.updated',
    targetType: 'directory_source',
    targetId: id,
  });
  refuseConfigSource(services, id);
  const row = await em.findOne(DirectorySourceRow, { id });
  if (!row) throw notFound('Directory source');
  const current = fromRow(services, row);
  const before = presentSource(current);
  let connection = current.connection;
  let targetChanged = false;
  let envDropped = false;
  if (body.connection) {
    const merged = mergeConnection(
      { ...row.config, kind: row.kind, id },
      { ...body.connection, id },
    );
    const candidate = parseConnection(merged);
    targetChanged = bindTargetOf(candidate) !== bindTargetOf(current.connection);
    envDropped =
      targetChanged &&
      !('bindPasswordEnv' in body.connection) &&
      candidate.bindPasswordEnv !== undefined;
    connection = envDropped
      ? parseConnection({ ...merged, bindPasswordEnv: undefined })
      : candidate;
    row.kind = connection.kind;
    row.config = storedConnectionOf(connection);
  }
  const hadPassword = row.bindPasswordSealed !== null && row.bindPasswordSealed !== undefined;
  let bindPasswordChange: BindPasswordChange | null = null;
  if (typeof body.bindPassword === 'string') {
    // Sealed bound to the new target: it was typed for this connection.
    row.bindPasswordSealed = sealBindPassword(
      services.keys.sourcePasswords,
      connection,
      body.bindPassword,
    );
    row.bindPasswordChangedAt = services.now();
    bindPasswordChange = 'set';
  } else if (hadPassword && (body.bindPassword === null || targetChanged)) {
    row.bindPasswordSealed = null;
    row.bindPasswordChangedAt = services.now();
    bindPasswordChange = body.bindPassword === null ? 'cleared' : 'cleared_connection_changed';
  } else if (envDropped) bindPasswordChange = 'cleared_connection_changed';
  refuseTwoPasswords(connection, row.bindPasswordSealed !== null);
  if (body.name !== undefined) row.name = body.name;
  if (body.enabled !== undefined) row.enabled = body.enabled;
  if (body.schedule) row.schedule = body.schedule;
  if (body.thresholds) row.thresholds = body.thresholds;
  if (body.correlateBy) row.correlateBy = body.correlateBy;
  if (body.reconnect) row.reconnect = body.reconnect;
  await em.flush();
  const after = presentSource(fromRow(services, row));
  audit({
    action: 'directory_source.updated',
    targetType: 'directory_source',
    targetId: id,
    targetLabel: row.name,
    diff: { before, after },
    ...(bindPasswordChange || note
      ? { details: { ...note, ...(bindPasswordChange ? { bindPasswordChange } : {}) } }
      : {}),
  });
  return { ...after, bindPasswordChange };
}

/** 403 (audited as denied) unless the actor may configure directory sources. */
function authorizeConfigure(
  ctx: CommandContext,
  auditAction: 'directory_source.created' | 'directory_source.updated',
  id: string,
): void {
  authorize(ctx.ability, 'configure', 'DirectorySource', {
    auditAction,
    targetType: 'directory_source',
    targetId: id,
  });
}
