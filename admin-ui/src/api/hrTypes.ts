import type { ImportField } from '../../../server/sources/vocabulary';
import type { ApiResponses } from './generated/openapi';

/** Fields of a person an HR file's columns can map to (the server's list). */
export { IMPORT_FIELDS, type ImportField } from '../../../server/sources/vocabulary';
/** field → the file's header that feeds it. */
export type ImportMapping = Partial<Record<ImportField, string>>;

/** An import: a sync run of the `hr-import` source with the file's details. */
export type ImportRunRecord = ApiResponses['getImport'];

/** What the server learned about an uploaded file (sync_run.details of an import). */
export type ImportDetails = ImportRunRecord['details'];

/** What an import covers: only the people in the file, or the whole staff list. */
export type ImportScope = NonNullable<ImportDetails['scope']>;

/** One rejected row of an uploaded file. */
export type RowError = NonNullable<ImportDetails['rowErrors']>[number];

/** A SCIM bearer token (never the secret, except once in the creation answer). */
export type ScimTokenRecord = ApiResponses['listScimTokens']['data'][number];

/** What creating a SCIM token answers: the token itself, shown once. */
export type CreatedScimToken = ApiResponses['createScimToken'];

/** Which scheduled changes to list. */
export const SCHEDULE_STATES = ['live', 'fired', 'cancelled', 'all'] as const;
/** A change of a person's status planned for a date (a leaver, a future joiner). */
export type ScheduledChangeRecord = ApiResponses['listScheduledChanges']['data'][number];

/** A scheduled change's kind. */
export type ScheduledKind = ScheduledChangeRecord['kind'];
