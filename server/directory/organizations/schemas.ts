import { z } from 'zod';
import { line, paging, paragraph, uuid } from '../../shared/schemas.ts';
import { ORGANIZATION_KINDS, SOURCES } from '../entities.ts';

/** How many nodes `tree=true` returns at most; a directory larger than this is paged by `parentId`. */
export const TREE_MAX_NODES = 10_000;

const kind = z.enum(ORGANIZATION_KINDS);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `GET /organizations` query: search, filters, paging; `tree=true` for the whole tree, flat. */
export function listOrganizationsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      q: line(200).optional().describe('Name fragment (case-insensitive, ё = е)'),
      parentId: z
        .union([uuid, z.literal('root')])
        .optional()
        .describe('Children of this organization; `root` for top-level ones'),
      kind: kind.optional(),
      tree: flag
        .optional()
        .describe(
          `The whole tree (or the subtree under parentId) depth-first with depth and path; ignores offset/limit; at most ${TREE_MAX_NODES} nodes`,
        ),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListOrganizationsQuery = z.infer<ReturnType<typeof listOrganizationsQuery>>;

/** `POST /organizations`. */
export const createOrganizationBody = z
  .object({
    name: line(200),
    kind,
    parentId: uuid.nullable().optional(),
    description: paragraph(2000).nullable().optional(),
  })
  .strict();
export type CreateOrganizationInput = z.infer<typeof createOrganizationBody>;

/** `PATCH /organizations/:id`: the fields to change and the version they were read at. */
export const updateOrganizationBody = z
  .object({
    version: z.number().int().min(1),
    name: line(200).optional(),
    kind: kind.optional(),
    parentId: uuid.nullable().optional(),
    description: paragraph(2000).nullable().optional(),
    headId: uuid
      .nullable()
      .optional()
      .describe('The head of the organization, who reviews its access (issue 18)'),
  })
  .strict();
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationBody>;

/** An organization as the API presents it. */
export const organizationView = z.object({
  id: z.string(),
  name: z.string(),
  kind,
  parentId: z.string().nullable(),
  description: z.string().nullable(),
  source: z.enum(SOURCES),
  externalId: z.string().nullable(),
  headId: z.string().nullable().describe('The head of the organization (access reviews)'),
  childrenCount: z.number().int(),
  memberCount: z.number().int().describe('People whose primary organization this is'),
  totalMemberCount: z
    .number()
    .int()
    .describe('People of this organization and of every organization under it'),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type OrganizationView = z.infer<typeof organizationView>;

/** One organization with its parent. */
export const organizationDetailView = organizationView.extend({
  parent: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type OrganizationDetailView = z.infer<typeof organizationDetailView>;

/** A node of the flat tree: depth 0 is the top of the returned tree; path runs from it to the node. */
export const organizationTreeNode = organizationView.extend({
  depth: z.number().int(),
  path: z.array(z.string()).describe('Ids from the top of the tree to this node'),
  pathNames: z.array(z.string()),
});
export type OrganizationTreeNode = z.infer<typeof organizationTreeNode>;
