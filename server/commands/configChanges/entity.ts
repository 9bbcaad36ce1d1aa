import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The settings the service can change itself, each gated by dual control (docs/api.md). */
export const CONFIG_SETTINGS = ['directory_source'] as const;
export type ConfigSetting = (typeof CONFIG_SETTINGS)[number];

/** What a change does to its setting. */
export const CONFIG_OPERATIONS = ['create', 'update', 'delete'] as const;
export type ConfigOperation = (typeof CONFIG_OPERATIONS)[number];

/**
 * Where a change stands: `pending` waits for a second superadmin; `applied` took effect (after
 * an approval, or at once with a single superadmin); `rejected` by a superadmin with a reason
 * (or withdrawn by its requester); `expired` unapproved in time; `superseded` refused at approval
 * because its setting had changed since the request.
 */
export const CONFIG_CHANGE_STATUSES = [
  'pending',
  'applied',
  'rejected',
  'expired',
  'superseded',
] as const;
export type ConfigChangeStatus = (typeof CONFIG_CHANGE_STATUSES)[number];

/** The `config_change` table (migration 20261209000000). */
export const ConfigChange = defineEntity({
  name: 'ConfigChange',
  tableName: 'config_change',
  properties: {
    id: p.uuid().primary(),
    setting: p.enum([...CONFIG_SETTINGS]),
    operation: p.enum([...CONFIG_OPERATIONS]),
    targetId: p.text(),
    targetLabel: p.text().nullable(),
    status: p.enum([...CONFIG_CHANGE_STATUSES]),
    /** The change's body as the setting's command takes it, secrets sealed (never plain). */
    payload: p.json<Record<string, unknown>>(),
    /** What the change does, redacted: `{before, after, details}` of the command's audit event. */
    diff: p.json<Record<string, unknown>>(),
    /** The setting's state the request was made against (see ConfigApplier.versionOf). */
    baseVersion: p.text(),
    requestedById: p.uuid().nullable(),
    requestedBy: p.text(),
    requestedAt: p.datetime(),
    expiresAt: p.datetime(),
    decidedById: p.uuid().nullable(),
    decidedBy: p.text().nullable(),
    decidedAt: p.datetime().nullable(),
    reason: p.text().nullable(),
    singleSuperadmin: p.boolean().default(false),
  },
});
export type ConfigChange = InferEntity<typeof ConfigChange>;
