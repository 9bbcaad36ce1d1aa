import { ConfigChange } from './commands/configChanges/entity.ts';
import { Organization, Space, SpaceMember, User } from './directory/entities.ts';
import { BulkJob } from './identity/bulkJobs/entity.ts';
import { ElevationRequest } from './identity/elevation/entity.ts';
import {
  BackofficeSession,
  DeviceSession,
  EnrollmentToken,
  LoginChallenge,
  RecoveryCode,
  TotpFactor,
} from './identity/entities.ts';
import { RoleGrant } from './identity/grants/entity.ts';
import { syncEntities } from './sources/entities.ts';

/** Every entity the ORM knows; handed to `openOrm` / `openDatabase` by whoever opens the database. */
export const entities = [
  User,
  Organization,
  Space,
  SpaceMember,
  BackofficeSession,
  LoginChallenge,
  TotpFactor,
  EnrollmentToken,
  DeviceSession,
  RecoveryCode,
  BulkJob,
  RoleGrant,
  ConfigChange,
  ElevationRequest,
  ...syncEntities,
];
