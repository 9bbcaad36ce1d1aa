import type { ApiResponses } from './generated/openapi';

/** The settings under dual control (server/commands/configChanges/entity.ts). */
export const CONFIG_SETTINGS = ['directory_source'] as const;
export const CONFIG_CHANGE_STATUSES = [
  'pending',
  'applied',
  'rejected',
  'expired',
  'superseded',
] as const;

/** A change of a sensitive setting under dual control, as `GET /config-changes` shows it. */
export type ConfigChangeRecord = ApiResponses['getConfigChange'];

/** True for the answer of a gated write that waits for a second superadmin (HTTP 202). */
export function isPendingChange(row: unknown): row is ConfigChangeRecord {
  const value = row as Partial<ConfigChangeRecord> | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    value.status === 'pending' &&
    typeof value.setting === 'string' &&
    typeof value.operation === 'string'
  );
}
