import {
  bindTargetOf,
  type DirectorySource,
  directorySourceSchema,
  StoredBindPassword,
} from './config/directorySources.ts';
import { openText, sealText } from './sealed.ts';
import type { Services } from './services.ts';

/**
 * Directory sources defined through the API, as the kernel sees them: how a stored bind password
 * is sealed and opened, and how any layer finds a source's connection by id (identity's LDAP login
 * checks a person's password against the source that owns them, and may not import sources/).
 */

/** What a `directory_source` row holds that makes a connection. */
export interface StoredSourceFields {
  id: string;
  kind: string;
  config: Record<string, unknown>;
  /** `sealText` output, or null when no password is stored. */
  bindPasswordSealed: string | null;
}

/**
 * The additional authenticated data of a source's password: its id and its bind target
 * ({@link bindTargetOf}). A sealed password copied to another source, or left behind by a target
 * changed outside the API, does not open.
 */
function passwordContext(source: DirectorySource): string {
  return `directory-source-bind-password\n${source.id}\n${bindTargetOf(source)}`;
}

/** Seals a bind password for a source (its validated connection, target included). */
export function sealBindPassword(key: Buffer, source: DirectorySource, password: string): string {
  return sealText(key, password, passwordContext(source));
}

/**
 * The validated connection of a stored source; a stored password is attached sealed and opened
 * per bind only (listing sources decrypts nothing).
 */
export function sourceFromStored(key: Buffer, row: StoredSourceFields): DirectorySource {
  const parsed = directorySourceSchema.parse({ ...row.config, id: row.id, kind: row.kind });
  const sealed = row.bindPasswordSealed;
  if (sealed === null) return parsed;
  return {
    ...parsed,
    storedBindPassword: new StoredBindPassword(() =>
      openText(key, sealed, passwordContext(parsed)),
    ),
  };
}

/**
 * A directory source's connection by id: a configured one, else one defined through the API;
 * null when there is none.
 */
export async function findDirectoryConnection(
  services: Services,
  id: string,
): Promise<DirectorySource | null> {
  const configured = services.config.directorySources.find((source) => source.id === id);
  if (configured) return configured;
  const rows = await services.orm.em
    .fork()
    .execute<
      { id: string; kind: string; config: Record<string, unknown>; sealed: string | null }[]
    >(
      'select id, kind, config, bind_password_sealed as sealed from directory_source where id = ?',
      [id],
    );
  const row = rows[0];
  if (!row) return null;
  return sourceFromStored(services.keys.sourcePasswords, {
    id: row.id,
    kind: row.kind,
    config: row.config,
    bindPasswordSealed: row.sealed,
  });
}
