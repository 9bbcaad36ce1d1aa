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
export interface ConfigChangeRecord {
  id: string;
  setting: (typeof CONFIG_SETTINGS)[number];
  operation: 'create' | 'update' | 'delete';
  targetId: string;
  targetLabel: string | null;
  status: (typeof CONFIG_CHANGE_STATUSES)[number];
  diff: {
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
    details?: Record<string, unknown>;
  };
  requestedById: string | null;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedById: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  singleSuperadmin: boolean;
}

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
