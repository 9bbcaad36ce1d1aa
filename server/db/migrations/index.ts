import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000Initial } from './Migration20261121000000Initial.ts';
import { Migration20261121010000MessengerIdentity } from './Migration20261121010000MessengerIdentity.ts';
import { Migration20261121020000AuditAppendFunction } from './Migration20261121020000AuditAppendFunction.ts';
import { Migration20261121030000DirectorySync } from './Migration20261121030000DirectorySync.ts';
import { Migration20261121040000Outbox } from './Migration20261121040000Outbox.ts';
import { Migration20261121050000HrFeeds } from './Migration20261121050000HrFeeds.ts';
import { Migration20261121060000ScimIndexes } from './Migration20261121060000ScimIndexes.ts';
import { Migration20261204000000Lifecycle } from './Migration20261204000000Lifecycle.ts';
import { Migration20261204110000ScimResources } from './Migration20261204110000ScimResources.ts';
import { Migration20261204120000SourcePasswords } from './Migration20261204120000SourcePasswords.ts';
import { Migration20261204130000SyncAbsence } from './Migration20261204130000SyncAbsence.ts';
import { Migration20261204140000SourceReconnect } from './Migration20261204140000SourceReconnect.ts';
import { Migration20261204150000CoreAccounts } from './Migration20261204150000CoreAccounts.ts';
import { Migration20261204160000ReconnectCreate } from './Migration20261204160000ReconnectCreate.ts';
import { Migration20261204170000SourceBaseDns } from './Migration20261204170000SourceBaseDns.ts';
import { Migration20261204183000Invitations } from './Migration20261204183000Invitations.ts';
import { Migration20261204185000MailQueue } from './Migration20261204185000MailQueue.ts';
import { Migration20261204190000OidcLogin } from './Migration20261204190000OidcLogin.ts';
import { Migration20261204200000LoginCodes } from './Migration20261204200000LoginCodes.ts';
import { Migration20261204210000OidcBackoffice } from './Migration20261204210000OidcBackoffice.ts';
import { Migration20261204220000SiemCursor } from './Migration20261204220000SiemCursor.ts';
import { Migration20261204230000AuditKeylessChain } from './Migration20261204230000AuditKeylessChain.ts';
import { Migration20261205000000LeastPrivilege } from './Migration20261205000000LeastPrivilege.ts';
import { Migration20261205005000AuditBatchSeal } from './Migration20261205005000AuditBatchSeal.ts';
import { Migration20261205010000AuditRetention } from './Migration20261205010000AuditRetention.ts';
import { Migration20261206100000SiemCheckpointCursor } from './Migration20261206100000SiemCheckpointCursor.ts';
import { Migration20261207000000BulkJobs } from './Migration20261207000000BulkJobs.ts';
import { Migration20261207100000InitiatedByPerson } from './Migration20261207100000InitiatedByPerson.ts';
import { Migration20261208020000PlanNotes } from './Migration20261208020000PlanNotes.ts';
import { Migration20261209000000DualControl } from './Migration20261209000000DualControl.ts';
import { Migration20261209000000RoleGrants } from './Migration20261209000000RoleGrants.ts';
import { Migration20261209010000ElevationRequests } from './Migration20261209010000ElevationRequests.ts';
import { Migration20261209200000AccessReviews } from './Migration20261209200000AccessReviews.ts';
import { Migration20261210010000MembershipReasons } from './Migration20261210010000MembershipReasons.ts';
import { Migration20261211000000CoreAccountSetBased } from './Migration20261211000000CoreAccountSetBased.ts';
import { Migration20261212000000AuditSealQueuedOnce } from './Migration20261212000000AuditSealQueuedOnce.ts';
import { Migration20261212010000SyncStagingAnalyze } from './Migration20261212010000SyncStagingAnalyze.ts';
import { Migration20261213000000SyncAppliedBatches } from './Migration20261213000000SyncAppliedBatches.ts';
import { Migration20261214000000SyncEntryDigests } from './Migration20261214000000SyncEntryDigests.ts';
import { Migration20261215000000PlanItemsRunCascade } from './Migration20261215000000PlanItemsRunCascade.ts';
import { Migration20261215010000SyncStagingRelease } from './Migration20261215010000SyncStagingRelease.ts';
import { Migration20261215020000SyncBurstTablesNoInsertVacuum } from './Migration20261215020000SyncBurstTablesNoInsertVacuum.ts';
import { Migration20261215030000SyncUnmatchedEntries } from './Migration20261215030000SyncUnmatchedEntries.ts';
import { Migration20261216000000AuditSealByIndex } from './Migration20261216000000AuditSealByIndex.ts';
import { Migration20261217000000StatusReasonNotes } from './Migration20261217000000StatusReasonNotes.ts';
import { Migration20261218000000ScheduledChangeNotify } from './Migration20261218000000ScheduledChangeNotify.ts';
import { Migration20261219000000UnmatchedConflicts } from './Migration20261219000000UnmatchedConflicts.ts';

/** Every migration, in order. Listed explicitly: folder discovery is not reliable under tsx. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121000000Initial', class: Migration20261121000000Initial },
  {
    name: 'Migration20261121010000MessengerIdentity',
    class: Migration20261121010000MessengerIdentity,
  },
  {
    name: 'Migration20261121020000AuditAppendFunction',
    class: Migration20261121020000AuditAppendFunction,
  },
  { name: 'Migration20261121030000DirectorySync', class: Migration20261121030000DirectorySync },
  { name: 'Migration20261121040000Outbox', class: Migration20261121040000Outbox },
  { name: 'Migration20261121050000HrFeeds', class: Migration20261121050000HrFeeds },
  { name: 'Migration20261121060000ScimIndexes', class: Migration20261121060000ScimIndexes },
  { name: 'Migration20261204000000Lifecycle', class: Migration20261204000000Lifecycle },
  { name: 'Migration20261204110000ScimResources', class: Migration20261204110000ScimResources },
  { name: 'Migration20261204120000SourcePasswords', class: Migration20261204120000SourcePasswords },
  { name: 'Migration20261204130000SyncAbsence', class: Migration20261204130000SyncAbsence },
  {
    name: 'Migration20261204140000SourceReconnect',
    class: Migration20261204140000SourceReconnect,
  },
  { name: 'Migration20261204150000CoreAccounts', class: Migration20261204150000CoreAccounts },
  {
    name: 'Migration20261204160000ReconnectCreate',
    class: Migration20261204160000ReconnectCreate,
  },
  { name: 'Migration20261204170000SourceBaseDns', class: Migration20261204170000SourceBaseDns },
  { name: 'Migration20261204183000Invitations', class: Migration20261204183000Invitations },
  { name: 'Migration20261204185000MailQueue', class: Migration20261204185000MailQueue },
  { name: 'Migration20261204190000OidcLogin', class: Migration20261204190000OidcLogin },
  { name: 'Migration20261204200000LoginCodes', class: Migration20261204200000LoginCodes },
  {
    name: 'Migration20261204210000OidcBackoffice',
    class: Migration20261204210000OidcBackoffice,
  },
  { name: 'Migration20261204220000SiemCursor', class: Migration20261204220000SiemCursor },
  {
    name: 'Migration20261204230000AuditKeylessChain',
    class: Migration20261204230000AuditKeylessChain,
  },
  { name: 'Migration20261205000000LeastPrivilege', class: Migration20261205000000LeastPrivilege },
  { name: 'Migration20261205005000AuditBatchSeal', class: Migration20261205005000AuditBatchSeal },
  { name: 'Migration20261205010000AuditRetention', class: Migration20261205010000AuditRetention },
  {
    name: 'Migration20261206100000SiemCheckpointCursor',
    class: Migration20261206100000SiemCheckpointCursor,
  },
  { name: 'Migration20261207000000BulkJobs', class: Migration20261207000000BulkJobs },
  {
    name: 'Migration20261207100000InitiatedByPerson',
    class: Migration20261207100000InitiatedByPerson,
  },
  { name: 'Migration20261208020000PlanNotes', class: Migration20261208020000PlanNotes },
  { name: 'Migration20261209000000RoleGrants', class: Migration20261209000000RoleGrants },
  { name: 'Migration20261209000000DualControl', class: Migration20261209000000DualControl },
  {
    name: 'Migration20261209010000ElevationRequests',
    class: Migration20261209010000ElevationRequests,
  },
  {
    name: 'Migration20261210010000MembershipReasons',
    class: Migration20261210010000MembershipReasons,
  },
  { name: 'Migration20261209200000AccessReviews', class: Migration20261209200000AccessReviews },
  {
    name: 'Migration20261211000000CoreAccountSetBased',
    class: Migration20261211000000CoreAccountSetBased,
  },
  {
    name: 'Migration20261212000000AuditSealQueuedOnce',
    class: Migration20261212000000AuditSealQueuedOnce,
  },
  {
    name: 'Migration20261212010000SyncStagingAnalyze',
    class: Migration20261212010000SyncStagingAnalyze,
  },
  {
    name: 'Migration20261213000000SyncAppliedBatches',
    class: Migration20261213000000SyncAppliedBatches,
  },
  {
    name: 'Migration20261214000000SyncEntryDigests',
    class: Migration20261214000000SyncEntryDigests,
  },
  {
    name: 'Migration20261215000000PlanItemsRunCascade',
    class: Migration20261215000000PlanItemsRunCascade,
  },
  {
    name: 'Migration20261215010000SyncStagingRelease',
    class: Migration20261215010000SyncStagingRelease,
  },
  {
    name: 'Migration20261215020000SyncBurstTablesNoInsertVacuum',
    class: Migration20261215020000SyncBurstTablesNoInsertVacuum,
  },
  {
    name: 'Migration20261215030000SyncUnmatchedEntries',
    class: Migration20261215030000SyncUnmatchedEntries,
  },
  {
    name: 'Migration20261216000000AuditSealByIndex',
    class: Migration20261216000000AuditSealByIndex,
  },
  {
    name: 'Migration20261217000000StatusReasonNotes',
    class: Migration20261217000000StatusReasonNotes,
  },
  {
    name: 'Migration20261218000000ScheduledChangeNotify',
    class: Migration20261218000000ScheduledChangeNotify,
  },
  {
    name: 'Migration20261219000000UnmatchedConflicts',
    class: Migration20261219000000UnmatchedConflicts,
  },
];
