import type { Services } from '../../shared/services.ts';
import type { SyncSource } from '../types.ts';

/** The built-in HR channels: file imports (CSV / XLSX) and the SCIM 2.0 endpoint. */
export const HR_SOURCE_IDS = ['hr-import', 'scim'] as const;
export type HrSourceId = (typeof HR_SOURCE_IDS)[number];
/** The HR channel of CSV and XLSX imports: each import is a run of this source. */
export const HR_IMPORT_SOURCE_ID = 'hr-import' satisfies HrSourceId;
/** The HR channel of SCIM clients (requests change people directly, not through runs). */
export const SCIM_SOURCE_ID = 'scim' satisfies HrSourceId;

/**
 * An HR channel as a source the sync engine can run: people are linked by employee number,
 * never on a schedule (HR pushes files and requests), thresholds from `hr.import`.
 */
export function hrSource(services: Services, id: HrSourceId): SyncSource {
  const settings = services.config.hr.import;
  return {
    id,
    name: id === HR_IMPORT_SOURCE_ID ? 'HR import (CSV / XLSX)' : 'SCIM',
    kind: 'hr',
    origin: 'builtin',
    connection: null,
    settings: {
      enabled: false,
      schedule: { incremental: null, full: null },
      thresholds: settings.thresholds,
      correlateBy: 'email',
      // HR knows people by the employee number itself: no account to re-create.
      reconnect: 'never',
    },
    linkBy: settings.correlateBy === 'none' ? null : 'email',
    userSource: id === HR_IMPORT_SOURCE_ID ? 'import' : 'scim',
    loginMethod: 'password',
    version: null,
  };
}
