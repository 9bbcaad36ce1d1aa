import { randomUUID } from 'node:crypto';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Roles a grant may carry: superadmins are made from the command line only. */
export const GRANTABLE_ROLES = ['staff', 'admin', 'auditor'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

/**
 * A role grant (migration RoleGrants, issue 18): a back-office role on top of the standing
 * `app_user.role`, inside organization subtrees (`scope`, empty = the whole company) and/or until
 * `expiresAt`. In force while `endedAt` is null and `expiresAt` is ahead of the clock.
 */
export const RoleGrant = defineEntity({
  name: 'RoleGrant',
  tableName: 'role_grant',
  versionProperty: 'version',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    userId: p.uuid(),
    role: p.enum([...GRANTABLE_ROLES]),
    scope: p.array<string>().columnType('uuid[]').default([]),
    expiresAt: p.datetime().nullable(),
    reason: p.text(),
    grantedById: p.uuid().nullable(),
    approvedById: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    endedAt: p.datetime().nullable(),
    endedById: p.uuid().nullable(),
    endReason: p.text().nullable(),
    version: p.integer().version(),
  },
});
export type RoleGrant = InferEntity<typeof RoleGrant>;
