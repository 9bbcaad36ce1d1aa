import { z } from 'zod';
import { line, listOf, paging, paragraph, timestamp, uuid } from '../../shared/schemas.ts';

/** What a campaign reviews: back-office rights (standing roles and grants) or space members. */
export const CAMPAIGN_KINDS = ['backoffice_rights', 'space_members'] as const;
/** Who reviews an item: the head of its organization (else the named reviewer), or the named one. */
export const REVIEWER_RULES = ['organization_head', 'named'] as const;
/** When a revocation is carried out: as soon as it is decided, or when the campaign closes. */
export const REVOKE_MODES = ['at_once', 'at_close'] as const;
/** What an item nobody decided becomes when the campaign closes. */
export const UNDECIDED_RULES = ['keep', 'revoke'] as const;
/** What one item is. */
export const ITEM_KINDS = ['standing_role', 'role_grant', 'space_membership'] as const;
export const DECISIONS = ['confirm', 'revoke'] as const;
export const OUTCOMES = ['kept', 'revoked', 'gone'] as const;

export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export type ItemKind = (typeof ITEM_KINDS)[number];
export type Decision = (typeof DECISIONS)[number];

/** `POST /reviews/campaigns`. */
export const createCampaignBody = z
  .object({
    name: line(200),
    kind: z.enum(CAMPAIGN_KINDS),
    /** The organization whose subtree is reviewed; null or absent: the whole company. */
    organizationId: uuid.nullable().default(null),
    reviewerRule: z.enum(REVIEWER_RULES),
    /** The named reviewer; with `organization_head`, who reviews items without a head. */
    reviewerId: uuid,
    dueAt: timestamp,
    revokeMode: z.enum(REVOKE_MODES).default('at_close'),
    undecided: z.enum(UNDECIDED_RULES).default('keep'),
  })
  .strict();
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

/** `GET /reviews/campaigns`. */
export function listCampaignsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({ status: z.enum(['open', 'closed']).optional(), ...paging(maxLimit, defaultLimit) })
    .strict();
}
export type ListCampaignsQuery = z.infer<ReturnType<typeof listCampaignsQuery>>;

const named = z.object({ id: z.string(), name: z.string() });

/** Counts of a campaign's items. */
export const campaignProgress = z.object({
  total: z.number().int(),
  decided: z.number().int(),
  confirmed: z.number().int(),
  revoked: z.number().int(),
  applied: z.number().int(),
  undecidedAtClose: z.number().int(),
});

/** A campaign as the API shows it. */
export const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CAMPAIGN_KINDS),
  organization: named.nullable(),
  reviewerRule: z.enum(REVIEWER_RULES),
  reviewer: named,
  dueAt: z.string(),
  revokeMode: z.enum(REVOKE_MODES),
  undecided: z.enum(UNDECIDED_RULES),
  status: z.enum(['open', 'closed']),
  createdBy: named.nullable(),
  createdAt: z.string(),
  closedBy: named.nullable(),
  closedAt: z.string().nullable(),
  progress: campaignProgress,
  reportSha256: z.string().nullable(),
});
export type CampaignView = z.infer<typeof campaignView>;
export const campaignList = listOf(campaignView);

/** `GET /reviews/items`: a reviewer's (or an auditor's) items. */
export function listItemsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      campaignId: uuid.optional(),
      /** Only the items assigned to the caller. */
      mine: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional(),
      state: z.enum(['undecided', 'decided', 'all']).default('all'),
      q: line(200).optional().describe("A fragment of the person's or the space's name"),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListItemsQuery = z.infer<ReturnType<typeof listItemsQuery>>;

/** An item as the API shows it. */
export const itemView = z.object({
  id: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  campaignStatus: z.enum(['open', 'closed']),
  dueAt: z.string(),
  kind: z.enum(ITEM_KINDS),
  person: named.extend({ username: z.string().nullable() }),
  space: named.nullable(),
  role: z.string().nullable(),
  organization: named.nullable(),
  reviewer: named,
  decision: z.enum(DECISIONS).nullable(),
  decidedBy: named.nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
  undecidedAtClose: z.boolean(),
  outcome: z.enum(OUTCOMES).nullable(),
  appliedAt: z.string().nullable(),
});
export type ItemView = z.infer<typeof itemView>;
export const itemList = listOf(itemView);

/** An item id in a path (items are numbered). */
export const itemParams = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/) }).strict();

/** `POST /reviews/items/:id/decision`. */
export const decideBody = z
  .object({ decision: z.enum(DECISIONS), note: paragraph(2000).nullable().optional() })
  .strict();

/**
 * `POST /reviews/items/confirm`: confirms the selected items, each with its own record. Revoking
 * is decided one item at a time.
 */
export const confirmSelectedBody = z
  .object({
    ids: z
      .array(z.string().regex(/^[1-9][0-9]{0,17}$/))
      .min(1)
      .max(200),
    note: paragraph(2000).nullable().optional(),
  })
  .strict();

/** What a decision request did. */
export const decidedView = z.object({
  decided: z.number().int(),
  revoked: z.number().int().describe('Revocations carried out now (campaigns revoking at once)'),
});
export type DecidedView = z.infer<typeof decidedView>;

/** `GET /reviews/campaigns/:id/report`. */
export const reportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();
