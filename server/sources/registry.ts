import type { DirectorySource } from '../shared/config/directorySources.ts';
import { DEFAULT_SYNC_SETTINGS, syncSettingsSchema } from '../shared/config/directorySync.ts';
import { notFound } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { sourceFromStored } from '../shared/storedSources.ts';
import { DirectorySourceRow } from './entities.ts';
import { HR_SOURCE_IDS, hrSource } from './hr/source.ts';
import type { DirectoryReader, DirectorySyncSource, SyncSource } from './types.ts';

export type { DirectorySyncSource, SyncSource };

function fromConfig(services: Services, connection: DirectorySource): DirectorySyncSource {
  const listed = services.config.directorySync.sources[connection.id];
  return {
    id: connection.id,
    name: connection.id,
    kind: 'directory',
    origin: 'config',
    connection,
    // Not listed under directorySync: a login-only source, never synced on a schedule.
    settings: listed ?? { ...DEFAULT_SYNC_SETTINGS, enabled: false },
    linkBy: (listed ?? DEFAULT_SYNC_SETTINGS).correlateBy,
    userSource: 'ad',
    loginMethod: 'ldap',
    version: null,
    bindPasswordChangedAt: null,
  };
}

/**
 * Builds a SyncSource from its row (validated again: the row is only ever written validated). A
 * stored bind password rides along sealed; it is opened only by a bind.
 */
export function fromRow(services: Services, row: DirectorySourceRow): DirectorySyncSource {
  const settings = syncSettingsSchema.parse({
    enabled: row.enabled,
    schedule: row.schedule,
    thresholds: row.thresholds,
    correlateBy: row.correlateBy,
    reconnect: row.reconnect,
  });
  return {
    id: row.id,
    name: row.name,
    kind: 'directory',
    origin: 'api',
    connection: sourceFromStored(services.keys.sourcePasswords, {
      id: row.id,
      kind: row.kind,
      config: row.config,
      bindPasswordSealed: row.bindPasswordSealed ?? null,
    }),
    settings,
    linkBy: settings.correlateBy,
    userSource: 'ad',
    loginMethod: 'ldap',
    version: row.version,
    bindPasswordChangedAt: row.bindPasswordChangedAt ?? null,
  };
}

/** Every source: config ones first (in config order), then API ones by id. */
export async function listSources(services: Services): Promise<DirectorySyncSource[]> {
  const rows = await services.orm.em
    .fork()
    .find(DirectorySourceRow, {}, { orderBy: { id: 'asc' } });
  const configured = services.config.directorySources.map((source) => fromConfig(services, source));
  const ids = new Set(configured.map((source) => source.id));
  return [
    ...configured,
    ...rows.filter((row) => !ids.has(row.id)).map((row) => fromRow(services, row)),
  ];
}

/** One directory source (AD / LDAP) by id, or 404. */
export async function findSource(services: Services, id: string): Promise<DirectorySyncSource> {
  const configured = services.config.directorySources.find((source) => source.id === id);
  if (configured) return fromConfig(services, configured);
  const row = await services.orm.em.fork().findOne(DirectorySourceRow, { id });
  if (!row) throw notFound('Directory source');
  return fromRow(services, row);
}

/** The source of a run: an HR channel by its built-in id, else a directory source (or 404). */
export function findRunSource(services: Services, id: string): Promise<SyncSource> {
  if ((HR_SOURCE_IDS as readonly string[]).includes(id))
    return Promise.resolve(hrSource(services, id as (typeof HR_SOURCE_IDS)[number]));
  return findSource(services, id);
}

/** Makes the reader of a source. */
export type ReaderFactory = (
  source: SyncSource,
  services: Services,
) => DirectoryReader | Promise<DirectoryReader>;

const overrides = new WeakMap<Services, ReaderFactory>();

/**
 * Replaces how readers are made for one running service (tests drive the engine with in-memory
 * readers through the real API this way; nothing else is replaced).
 */
export function useReaderFactory(services: Services, factory: ReaderFactory | null): void {
  if (factory) overrides.set(services, factory);
  else overrides.delete(services);
}

interface LdapReaderModule {
  createDirectoryReader(source: DirectorySource, services: Services): DirectoryReader;
}

// Loaded lazily: the LDAP reader (server/sources/ldap/reader.ts) pulls in ldapts, which runs
// that never touch a directory (dry runs of tests, the CLI's help) need not load.
const LDAP_READER = './ldap/reader.ts';

/** The reader of a source: the override if a test set one, else the LDAP reader. */
export async function readerFor(services: Services, source: SyncSource): Promise<DirectoryReader> {
  const override = overrides.get(services);
  if (override) return override(source, services);
  if (!source.connection)
    throw new Error(`source ${source.id} has no reader of its own: pass one to startRun`);
  const module = (await import(LDAP_READER)) as LdapReaderModule;
  return module.createDirectoryReader(source.connection, services);
}
