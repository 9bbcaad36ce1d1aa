import type { ApiResponses } from '../../api/generated/openapi';

/** A name with its id, as the review views give people and organizations. */
export interface Named {
  id: string;
  name: string;
}

/** A campaign as `GET /reviews/campaigns` answers it (server: campaignView). */
export type CampaignRecord = ApiResponses['getReviewCampaign'];

/** A review item as `GET /reviews/items` answers it (server: itemView). */
export type ItemRecord = ApiResponses['listReviewItems']['data'][number];

export const CAMPAIGN_KINDS = ['space_members', 'backoffice_rights'] as const;
export const REVIEWER_RULES = ['organization_head', 'named'] as const;
export const REVOKE_MODES = ['at_close', 'at_once'] as const;
export const UNDECIDED_RULES = ['keep', 'revoke'] as const;
export const ITEM_STATES = ['undecided', 'decided', 'all'] as const;
