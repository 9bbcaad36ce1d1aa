import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { canonicalJson } from '../audit/chain.ts';
import type { CommandContext } from '../commands/runCommand.ts';
import { openText, sealText } from '../shared/sealed.ts';
import type { Services } from '../shared/services.ts';
import { DirectorySourceRow } from './entities.ts';

/** The version of a source that does not exist (a create is asked against it). */
export const ABSENT = 'absent';

/** Binds a bind password kept in a pending change to that source, for that purpose only. */
const sealContext = (id: string) => `config_change:directory_source:${id}`;

/**
 * A source command's body as a pending change keeps it: a `bindPassword` is sealed in the
 * service (the key never enters PostgreSQL, as for stored passwords) until it is applied.
 */
export function sealedPayload(
  services: Services,
  id: string,
  body: { bindPassword?: string | null },
): Record<string, unknown> {
  if (typeof body.bindPassword !== 'string') return { ...body };
  return {
    ...body,
    bindPassword: {
      sealed: sealText(services.keys.sourcePasswords, body.bindPassword, sealContext(id)),
    },
  };
}

/** The body back from {@link sealedPayload}, the password opened. */
export function openedPayload(
  services: Services,
  id: string,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  const password = payload.bindPassword as { sealed?: string } | string | null | undefined;
  if (!password || typeof password !== 'object' || typeof password.sealed !== 'string')
    return { ...payload };
  return {
    ...payload,
    bindPassword: openText(services.keys.sourcePasswords, password.sealed, sealContext(id)),
  };
}

/**
 * The version of a source's configuration: a hash of every field a superadmin can change (and
 * when its stored password last changed). A sync moving the source's cursor does not change it,
 * so a run does not make a pending change stale; any configuration change does.
 */
export function versionOfRow(row: DirectorySourceRow): string {
  const state = {
    kind: row.kind,
    name: row.name,
    config: row.config,
    schedule: row.schedule,
    thresholds: row.thresholds,
    correlateBy: row.correlateBy,
    reconnect: row.reconnect,
    enabled: row.enabled,
    bindPasswordChangedAt: row.bindPasswordChangedAt?.toISOString() ?? null,
  };
  return createHash('sha256').update(canonicalJson(state)).digest('hex');
}

/** The current version of source `id` (ABSENT when none), its row locked until commit. */
export async function sourceVersion(ctx: CommandContext, id: string): Promise<string> {
  const row = await ctx.em.findOne(
    DirectorySourceRow,
    { id },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  return row ? versionOfRow(row) : ABSENT;
}
