import { closeCampaign } from '../identity/reviews/closeCampaign.ts';
import { createCampaign } from '../identity/reviews/createCampaign.ts';
import { decideItems } from '../identity/reviews/decideItems.ts';
import { downloadReport } from '../identity/reviews/downloadReport.ts';
import { listItems } from '../identity/reviews/listItems.ts';
import { getCampaign, listCampaigns } from '../identity/reviews/readCampaigns.ts';
import {
  campaignList,
  campaignView,
  confirmSelectedBody,
  createCampaignBody,
  decideBody,
  decidedView,
  itemList,
  itemParams,
  listCampaignsQuery,
  listItemsQuery,
  reportQuery,
} from '../identity/reviews/schemas.ts';
import { idParams } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['reviews'];
const campaign = { description: 'The campaign and its progress', schema: campaignView };
const decided = { description: 'How many items were decided and revoked', schema: decidedView };

/** Access reviews (issue 18, scope 5): campaigns, reviewers' decisions, the signed report. */
export function registerReviewRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/reviews/campaigns',
      operationId: 'listReviewCampaigns',
      summary: 'Access review campaigns, newest first, with their progress',
      tags,
      query: listCampaignsQuery(maxLimit, defaultLimit),
      response: { description: 'The campaigns', schema: campaignList },
    },
    ({ services, auth, query }) => listCampaigns(services, auth.actor, auth.ability, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/reviews/campaigns',
      operationId: 'createReviewCampaign',
      summary: 'Start an access review: every item it covers is listed with its reviewer',
      tags,
      body: createCampaignBody,
      response: { ...campaign, status: 201 },
    },
    ({ services, auth, body }) => createCampaign(services, auth.actor, auth.ability, body),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/reviews/campaigns/:id',
      operationId: 'getReviewCampaign',
      summary: 'One campaign with its progress',
      tags,
      params: idParams,
      response: campaign,
      errors: [404],
    },
    ({ services, auth, params }) => getCampaign(services, auth.actor, auth.ability, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/reviews/campaigns/:id/close',
      operationId: 'closeReviewCampaign',
      summary: 'Close a campaign: apply what is owed, record undecided items, sign the report',
      tags,
      params: idParams,
      response: campaign,
      errors: [404, 409],
    },
    ({ services, auth, params }) => closeCampaign(services, auth.actor, auth.ability, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/reviews/campaigns/:id/report',
      operationId: 'getReviewReport',
      summary: "A closed campaign's signed report (JSON) or its items (CSV)",
      description:
        'Audited `review.report_downloaded`. Verify offline: `npm run cli -- review-report verify FILE --public-key KEY [--csv FILE]`.',
      tags,
      params: idParams,
      query: reportQuery,
      response: { description: 'The report, as an attachment', contentType: 'application/json' },
      errors: [404, 409],
    },
    async ({ services, auth, params, query, ctx }) => {
      const file = await downloadReport(
        services,
        auth.actor,
        auth.ability,
        params.id,
        query.format,
      );
      ctx.set('Content-Disposition', `attachment; filename="${file.filename}"`);
      ctx.type = file.contentType;
      ctx.body = file.body;
      return undefined;
    },
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/reviews/items',
      operationId: 'listReviewItems',
      summary: "Review items: the caller's own, or all for superadmins and auditors",
      tags,
      query: listItemsQuery(maxLimit, defaultLimit),
      response: { description: 'The items', schema: itemList },
    },
    ({ services, auth, query }) => listItems(services, auth.actor, auth.ability, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/reviews/items/confirm',
      operationId: 'confirmReviewItems',
      summary: 'Confirm the selected items, each with its own decision record and audit event',
      tags,
      body: confirmSelectedBody,
      response: decided,
      errors: [404, 409],
    },
    ({ services, auth, body }) =>
      decideItems(services, auth.actor, auth.ability, body.ids, 'confirm', body.note ?? null),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/reviews/items/:id/decision',
      operationId: 'decideReviewItem',
      summary: 'Confirm or revoke one item, with an optional note',
      tags,
      params: itemParams,
      body: decideBody,
      response: decided,
      errors: [404, 409],
    },
    ({ services, auth, params, body }) =>
      decideItems(
        services,
        auth.actor,
        auth.ability,
        [params.id],
        body.decision,
        body.note ?? null,
      ),
  );
}
