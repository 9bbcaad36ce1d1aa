import { z } from 'zod';
import { line, paging, paragraph, uuid } from '../../shared/schemas.ts';
import { MEMBERSHIP_VIAS, USER_STATUSES } from '../entities.ts';

/** Most people one `POST /spaces/:id/members` call adds. */
export const MAX_MEMBERS_PER_CALL = 500;

/** `GET /spaces` query. */
export function listSpacesQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      q: line(200).optional().describe('Name fragment (case-insensitive, ё = е)'),
      organizationId: uuid.optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListSpacesQuery = z.infer<ReturnType<typeof listSpacesQuery>>;

/** `GET /spaces/:id/members` query. */
export function listMembersQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      q: line(200).optional().describe('Fragment of a member’s name, email or username'),
      via: z.enum(MEMBERSHIP_VIAS).optional().describe('Only members added this way'),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListMembersQuery = z.infer<ReturnType<typeof listMembersQuery>>;

/** `POST /spaces`. */
export const createSpaceBody = z
  .object({
    name: line(200),
    description: paragraph(2000).nullable().optional(),
    organizationId: uuid.nullable().optional(),
  })
  .strict();
export type CreateSpaceInput = z.infer<typeof createSpaceBody>;

/** `PATCH /spaces/:id`: the fields to change and the version they were read at. */
export const updateSpaceBody = z
  .object({
    version: z.number().int().min(1),
    name: line(200).optional(),
    description: paragraph(2000).nullable().optional(),
    organizationId: uuid.nullable().optional(),
  })
  .strict();
export type UpdateSpaceInput = z.infer<typeof updateSpaceBody>;

/** `POST /spaces/:id/members`. */
export const addMembersBody = z
  .object({ userIds: z.array(uuid).min(1).max(MAX_MEMBERS_PER_CALL) })
  .strict();

/** `DELETE /spaces/:id/members/:userId`. */
export const memberParams = z.object({ id: uuid, userId: uuid }).strict();

/** A space as the API presents it. */
export const spaceView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  organizationId: z.string().nullable(),
  organizationName: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type SpaceView = z.infer<typeof spaceView>;

/** A member of a space. */
export const memberView = z.object({
  userId: z.string(),
  username: z.string().nullable(),
  displayName: z.string(),
  fullName: z.string().describe('«Фамилия Имя Отчество»'),
  email: z.string().nullable(),
  status: z.enum(USER_STATUSES),
  organizationId: z.string().nullable(),
  addedAt: z.string(),
  addedById: z.string().nullable(),
  via: z
    .enum(MEMBERSHIP_VIAS)
    .describe('Why the person is in the space: by hand, directory group, HR, SCIM, bulk load'),
  viaSourceId: z.string().nullable().describe('The source that added the membership, if any'),
});
export type MemberView = z.infer<typeof memberView>;

/** What adding members did. */
export const addMembersResult = z.object({
  added: z.array(z.string()),
  alreadyMembers: z.array(z.string()),
});
export type AddMembersResult = z.infer<typeof addMembersResult>;
