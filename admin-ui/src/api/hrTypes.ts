import type { ImportField } from '../../../server/sources/vocabulary';
import type { SyncRunRecord } from './syncTypes';

/** Fields of a person an HR file's columns can map to (the server's list). */
export { IMPORT_FIELDS, type ImportField } from '../../../server/sources/vocabulary';
/** field → the file's header that feeds it. */
export type ImportMapping = Partial<Record<ImportField, string>>;

/** What an import covers: only the people in the file, or the whole staff list. */
export type ImportScope = 'partial' | 'complete';

/** One rejected row of an uploaded file. */
export interface RowError {
  row: number;
  column: string | null;
  /** A registered row error code and its params (rows read before codes existed have none). */
  code?: string;
  params?: Record<string, unknown>;
  /** English, for API clients; the console shows the code's text. */
  message: string;
}

/** What the server learned about an uploaded file (sync_run.details of an import). */
export interface ImportDetails {
  fileName?: string;
  sha256?: string;
  bytes?: number;
  format?: string;
  encoding?: string;
  delimiter?: string | null;
  headers?: string[];
  mapping?: ImportMapping;
  unmappedHeaders?: string[];
  rows?: number;
  rowErrors?: RowError[];
  rowErrorCount?: number;
  scope?: ImportScope;
}

/** An import: a sync run of the `hr-import` source with the file's details. */
export interface ImportRunRecord extends SyncRunRecord {
  details: ImportDetails | null;
}

/** A SCIM bearer token (never the secret, except once in the creation answer). */
export interface ScimTokenRecord {
  id: string;
  name: string;
  /** The token's visible start; none for tokens from the configuration (hashes only). */
  prefix: string | null;
  /** `database`: made here (revocable here); `config`: from SCIM_TOKENS. */
  origin: 'database' | 'config';
  createdAt: string | null;
  createdBy: unknown;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What creating a SCIM token answers: the token itself, shown once. */
export interface CreatedScimToken extends ScimTokenRecord {
  token: string;
}

/** Which scheduled changes to list. */
export const SCHEDULE_STATES = ['live', 'fired', 'cancelled', 'all'] as const;
/** A scheduled change's kind. */
export type ScheduledKind = 'activate' | 'deactivate';

/** A change of a person's status planned for a date (a leaver, a future joiner). */
export interface ScheduledChangeRecord {
  id: string;
  userId: string;
  userLabel: string | null;
  kind: ScheduledKind;
  effectiveDate: string;
  effectiveAt: string;
  sourceId: string | null;
  reason: string | null;
  createdBy: unknown;
  createdAt: string;
  cancelledAt: string | null;
  cancelledBy: unknown;
  firedAt: string | null;
  outcome: string | null;
  outcomeReason: string | null;
}
