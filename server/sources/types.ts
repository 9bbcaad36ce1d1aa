import type { Source } from '../directory/entities.ts';
import type { DirectorySource } from '../shared/config/directorySources.ts';
import type { CorrelationKey, SyncSettings } from '../shared/config/directorySync.ts';
import type { PlanNote } from '../shared/errorCodes.ts';
import type { PeopleSourceKind } from '../shared/precedence.ts';

/**
 * The contract between directory readers (AD / LDAP, later HR files and SCIM) and the
 * reconciliation engine: readers turn a source's entries into SourcePerson records, page by
 * page; the engine stages them, plans the changes and applies them set-based.
 */

/** One person as a source describes them, already mapped to our attribute names. */
export interface SourcePerson {
  /** Stable id in the source: AD objectGUID as the standard GUID string, LDAP entryUUID, HR number. */
  externalId: string;
  /** Distinguished name (LDAP) or the source's own locator, for people reading the plan. */
  locator: string;
  username: string | null;
  familyName: string | null;
  givenName: string | null;
  middleName: string | null;
  displayName: string | null;
  email: string | null;
  /** As found in the source; the engine normalizes to E.164 (invalid numbers are reported). */
  phone: string | null;
  title: string | null;
  /** Department (or company) name, mapped to an organization by the engine. */
  department: string | null;
  /** HR correlation key (AD employeeID, HR personnel number). */
  employeeId: string | null;
  /** Disabled, expired or locked in the source. */
  disabled: boolean;
  /** Distinguished names of the groups the person is in (nested ones too when enabled). */
  groups: string[];
  /** HR: first working day, YYYY-MM-DD (a future one keeps the person pending until then). */
  hireDate?: string | null;
  /** HR: last working day, YYYY-MM-DD (the person is deactivated at its end, company time). */
  terminationDate?: string | null;
  /**
   * HR: on leave or under investigation (suspended, memberships kept); false lifts a suspension
   * this source made. Absent: the source says nothing about it.
   */
  suspended?: boolean | null;
  /**
   * Errors that make the entry unusable (an import row that failed validation): the plan lists
   * it as a conflict with these reasons and applies nothing for it. The entry still counts as
   * present, so a complete import never deactivates a person because their row was malformed.
   */
  errors?: string[];
  /** `errors` as registered codes with params (the plan item's notes), in the same order. */
  errorNotes?: PlanNote[];
  /**
   * The attributes this source carries, when it carries only some (an HR file without an Email
   * column): the others are left as they are instead of being cleared. Absent: all of them.
   */
  fields?: SourcedAttribute[];
}

/** Attributes of SourcePerson a source may carry or not (see SourcePerson.fields). */
export type SourcedAttribute =
  | 'username'
  | 'familyName'
  | 'givenName'
  | 'middleName'
  | 'displayName'
  | 'email'
  | 'phone'
  | 'title'
  | 'department'
  | 'hireDate'
  | 'terminationDate';

/** Where an incremental read continues from. */
export interface SyncCursor {
  /** AD: the DC's invocationId; if it changes, the next run must be full. */
  invocationId?: string;
  /** AD: highestCommittedUSN read before the search started. */
  highestCommittedUsn?: string;
  /**
   * AD: the service's clock when the read started (ISO 8601). An account's `accountExpires`
   * passing is no change in AD (its uSNChanged stays), so the next incremental read also asks
   * for the accounts that expired since this instant.
   */
  readAt?: string;
  /** Generic LDAP: the greatest modifyTimestamp seen (generalized time). */
  modifyTimestamp?: string;
  /**
   * Generic LDAP: how the next incremental read finds changes. `entryCSN`: by `contextCsn`
   * (OpenLDAP with syncprov); `modifyTimestamp` (or absent, on cursors saved before issue 13):
   * by `modifyTimestamp`, starting a few minutes before it. A saved `entryCSN` cursor on a
   * server that no longer shows contextCSN makes the next run a full read.
   */
  ldapTracking?: 'entryCSN' | 'modifyTimestamp';
  /**
   * Generic LDAP, `entryCSN` tracking: the suffix's contextCSN read BEFORE the read's searches,
   * one CSN per server id (see server/sources/ldap/changeSequence.ts).
   */
  contextCsn?: string[];
}

/** How a run reads its source. */
export type ReadMode = 'full' | 'incremental';

/** A read of a source in progress: pages of people, and the cursor to continue from next time. */
export interface DirectoryRead {
  mode: ReadMode;
  /** Known before the first page (AD reads highestCommittedUSN first, so nothing is missed). */
  cursor: SyncCursor;
  /** Pages of at most the configured page size; ends when the source has no more entries. */
  pages: AsyncIterable<SourcePerson[]>;
  /**
   * Incremental directory reads: the groups named by a group mapping (as the mapping spells
   * them) whose membership changed since the cursor. Their current members are among the pages;
   * people who LEFT them are not, so the engine re-reads (with `readPeople`) the people it has in
   * those groups' mapped spaces and organizations. Complete only once the pages are consumed.
   */
  changedGroups?: () => string[];
  /**
   * Incremental directory reads: how people who left the source since the cursor are found
   * (deleted, or moved out of the base DN). Opened after the pages, on its own connection.
   */
  absence?: () => Promise<AbsenceRead>;
}

/** One id an absence check reports (see AbsenceRead). */
export interface AbsentId {
  externalId: string;
  /** Why the person is gone (`gone` checks), shown in the plan; null for `present` checks. */
  reason: string | null;
  /** The reason as a registered code with params (the plan item's note); null as `reason`. */
  note?: PlanNote | null;
}

/**
 * What an incremental read knows about people who left the source:
 * - `present`: `ids` lists EVERY id the source has in scope (generic LDAP's id-only
 *   enumeration): managed people neither among them nor read are gone, as in a full run, and the
 *   full run's share threshold applies to their number;
 * - `gone`: `ids` lists the people gone since the cursor (AD: tombstones, and entries changed
 *   since the cursor that the read did not return).
 */
export interface AbsenceRead {
  kind: 'present' | 'gone';
  ids: AsyncIterable<AbsentId[]>;
  /**
   * How deletions are detected, and whether they can be: `permitted: false` when the service
   * account cannot see deletions (AD: no right to list `CN=Deleted Objects`); the run records
   * it instead of silently missing them.
   */
  detection: DeletionDetection;
}

/** Whether a source's service account can see deletions, in words for an administrator. */
export interface DeletionDetection {
  permitted: boolean;
  /** `tombstones` (AD, Show Deleted control) or `enumeration` (generic LDAP, ids only). */
  method: 'tombstones' | 'enumeration';
  message: string;
}

/** Something that reads a directory source. Throws on any error: partial reads must not pass. */
export interface DirectoryReader {
  read(options: { mode: ReadMode; since?: SyncCursor | null }): Promise<DirectoryRead>;
  /**
   * The current entries of the given people (by external id), in pages; people the source no
   * longer has (or no longer matches the user filter) are simply absent. Throws on any error.
   */
  readPeople?(externalIds: readonly string[]): AsyncIterable<SourcePerson[]>;
  /**
   * Which of the given people (by external id) the directory says are gone, read again from the
   * directory: the absence check of a run for those people only (AD: their tombstones, and
   * their entries now out of scope; generic LDAP: their entries looked up by id in the whole
   * tree, one found nowhere deleted; the run's pages drop anyone they read). HR sources have
   * none.
   */
  readGone?(externalIds: readonly string[]): Promise<AbsenceRead>;
}

/** A source the engine can sync: its connection settings, its sync settings and where it is defined. */
export interface SyncSource {
  id: string;
  name: string;
  /**
   * `directory`: AD / LDAP, people linked by (source_id, external_id). `hr`: an HR channel
   * (imports), people linked by their employee number; see shared/precedence.ts for who wins what.
   */
  kind: PeopleSourceKind;
  /** `config`: from config/ (read-only through the API); `api`: a directory_source row; `builtin`: HR channels. */
  origin: 'config' | 'api' | 'builtin';
  /** The LDAP connection; null for HR channels, which bring their reader to each run. */
  connection: DirectorySource | null;
  settings: SyncSettings;
  /** How a person not linked yet is found (after the link itself); null: never, always create. */
  linkBy: CorrelationKey | null;
  /** The `source` value people of this source get (sourceOwnership.ts decides what it owns). */
  userSource: Source;
  /** Login method given to the people it creates. */
  loginMethod: 'ldap' | 'password';
  version: number | null;
}

/** A directory source (AD / LDAP): always has its connection. */
export interface DirectorySyncSource extends SyncSource {
  kind: 'directory';
  origin: 'config' | 'api';
  connection: DirectorySource;
  /** When a stored bind password was last set or cleared (API sources); null if never. */
  bindPasswordChangedAt: Date | null;
}
