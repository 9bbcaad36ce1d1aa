import { z } from 'zod';
import { listOf, paragraph, timestamp, uuid } from '../../shared/schemas.ts';
import { GRANTABLE_ROLES } from './entity.ts';

/** Body of `POST /users/:id/grants`: a role, where it reaches, until when, and why. */
export const grantBody = z
  .object({
    role: z.enum(GRANTABLE_ROLES),
    /** Organizations whose subtrees the role reaches; empty or absent: the whole company. */
    scope: z.array(uuid).max(100).default([]),
    /** When the grant lapses; absent: until withdrawn. */
    expiresAt: timestamp.nullable().default(null),
    reason: paragraph(1000).optional(),
  })
  .strict();
export type GrantBody = z.infer<typeof grantBody>;

/** Body of `POST /users/:id/grants/:grantId/end`. */
export const endGrantBody = z.object({ reason: paragraph(1000).optional() }).strict();

/** Params of a grant's routes. */
export const grantParams = z.object({ id: uuid, grantId: uuid }).strict();

/** One organization of a grant's scope, named. */
export const scopeOrganization = z.object({ id: uuid, name: z.string() });

/** A role grant as the API shows it. */
export const roleGrantView = z.object({
  id: uuid,
  userId: uuid,
  role: z.enum(GRANTABLE_ROLES),
  /** The organizations whose subtrees the role reaches; empty: the whole company. */
  scope: z.array(scopeOrganization),
  expiresAt: z.string().nullable(),
  reason: z.string(),
  grantedById: uuid.nullable(),
  /** Who granted it, by name (the console shows it; they may be outside the reader's scope). */
  grantedByName: z.string().nullable(),
  approvedById: uuid.nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  endedById: uuid.nullable(),
  endedByName: z.string().nullable(),
  endReason: z.string().nullable(),
  /** In force now: not ended and not lapsed. */
  inForce: z.boolean(),
});
export type RoleGrantView = z.infer<typeof roleGrantView>;

/** `GET /users/:id/grants`. */
export const roleGrantList = listOf(roleGrantView);
