/** A name with its id, as the review views give people and organizations. */
export interface Named {
  id: string;
  name: string;
}

/** A campaign as `GET /reviews/campaigns` answers it (server: campaignView). */
export interface CampaignRecord {
  id: string;
  name: string;
  kind: 'backoffice_rights' | 'space_members';
  organization: Named | null;
  reviewerRule: 'organization_head' | 'named';
  reviewer: Named;
  dueAt: string;
  revokeMode: 'at_once' | 'at_close';
  undecided: 'keep' | 'revoke';
  status: 'open' | 'closed';
  createdBy: Named | null;
  createdAt: string;
  closedBy: Named | null;
  closedAt: string | null;
  progress: {
    total: number;
    decided: number;
    confirmed: number;
    revoked: number;
    applied: number;
    undecidedAtClose: number;
  };
  reportSha256: string | null;
}

/** A review item as `GET /reviews/items` answers it (server: itemView). */
export interface ItemRecord {
  id: string;
  campaignId: string;
  campaignName: string;
  campaignStatus: 'open' | 'closed';
  dueAt: string;
  kind: 'standing_role' | 'role_grant' | 'space_membership';
  person: Named & { username: string | null };
  space: Named | null;
  role: string | null;
  organization: Named | null;
  reviewer: Named;
  decision: 'confirm' | 'revoke' | null;
  decidedBy: Named | null;
  decidedAt: string | null;
  note: string | null;
  undecidedAtClose: boolean;
  outcome: 'kept' | 'revoked' | 'gone' | null;
  appliedAt: string | null;
}

export const CAMPAIGN_KINDS = ['space_members', 'backoffice_rights'] as const;
export const REVIEWER_RULES = ['organization_head', 'named'] as const;
export const REVOKE_MODES = ['at_close', 'at_once'] as const;
export const UNDECIDED_RULES = ['keep', 'revoke'] as const;
export const ITEM_STATES = ['undecided', 'decided', 'all'] as const;
