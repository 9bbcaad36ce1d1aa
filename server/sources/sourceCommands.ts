import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import { directorySourceSchema } from '../shared/config/directorySources.ts';
import { DEFAULT_SYNC_SETTINGS } from '../shared/config/directorySync.ts';
import { conflict, notFound } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { DirectorySourceRow } from './entities.ts';
import { HR_SOURCE_IDS } from './hr/source.ts';
import { findSource, fromRow, listSources } from './registry.ts';
import {
  type CreateSourceBody,
  presentSource,
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

function refuseConfigSource(services: Services, id: string): void {
  if (services.config.directorySources.some((source) => source.id === id))
    throw conflict(
      'source_defined_in_config',
      'This source is defined in the configuration; change it there',
    );
}

/** Defines a source through the API (superadmin). The connection is validated like config ones. */
export function createDirectorySource(
  services: Services,
  actor: Actor,
  body: CreateSourceBody,
): Promise<SourceView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'configure', 'DirectorySource', {
      auditAction: 'directory_source.created',
      targetType: 'directory_source',
      targetId: body.id,
    });
    refuseConfigSource(services, body.id);
    // HR channels own these ids: people and runs are told apart by source id alone.
    if ((HR_SOURCE_IDS as readonly string[]).includes(body.id))
      throw conflict('reserved_source_id', `The id ${body.id} is reserved for an HR channel`);
    const connection = directorySourceSchema.parse({ ...body.connection, id: body.id });
    const { id: _id, kind, ...config } = connection;
    const row = em.create(DirectorySourceRow, {
      id: body.id,
      kind,
      name: body.name,
      config,
      schedule: body.schedule ?? DEFAULT_SYNC_SETTINGS.schedule,
      thresholds: body.thresholds ?? DEFAULT_SYNC_SETTINGS.thresholds,
      correlateBy: body.correlateBy,
      enabled: body.enabled,
      cursor: null,
    });
    await em.flush();
    const view = presentSource(fromRow(row));
    audit({
      action: 'directory_source.created',
      targetType: 'directory_source',
      targetId: row.id,
      targetLabel: row.name,
      diff: { after: view },
    });
    return view;
  });
}

/** Changes an API-defined source (superadmin); config sources answer 409. */
export function updateDirectorySource(
  services: Services,
  actor: Actor,
  id: string,
  body: UpdateSourceBody,
): Promise<SourceView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'configure', 'DirectorySource', {
      auditAction: 'directory_source.updated',
      targetType: 'directory_source',
      targetId: id,
    });
    refuseConfigSource(services, id);
    const row = await em.findOne(DirectorySourceRow, { id });
    if (!row) throw notFound('Directory source');
    const before = presentSource(fromRow(row));
    if (body.connection) {
      const connection = directorySourceSchema.parse({
        ...row.config,
        kind: row.kind,
        ...body.connection,
        id,
      });
      const { id: _id, kind, ...config } = connection;
      row.kind = kind;
      row.config = config;
    }
    if (body.name !== undefined) row.name = body.name;
    if (body.enabled !== undefined) row.enabled = body.enabled;
    if (body.schedule) row.schedule = body.schedule;
    if (body.thresholds) row.thresholds = body.thresholds;
    if (body.correlateBy) row.correlateBy = body.correlateBy;
    await em.flush();
    const after = presentSource(fromRow(row));
    audit({
      action: 'directory_source.updated',
      targetType: 'directory_source',
      targetId: id,
      targetLabel: row.name,
      diff: { before, after },
    });
    return after;
  });
}
