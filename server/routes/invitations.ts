import { z } from 'zod';
import { approveInvitation } from '../identity/invitations/approveInvitation.ts';
import { startBulkInvitation } from '../identity/invitations/bulkInvite.ts';
import { completeRegistration } from '../identity/invitations/completeRegistration.ts';
import { getInvitation } from '../identity/invitations/getInvitation.ts';
import { inviteUser } from '../identity/invitations/inviteUser.ts';
import { openInvitation } from '../identity/invitations/openInvitation.ts';
import { readInvitationBatch } from '../identity/invitations/readBatch.ts';
import { revokeInvitation } from '../identity/invitations/revokeInvitation.ts';
import {
  batchPageQuery,
  bulkInvitationBody,
  invitationBatchView,
  invitationBody,
  invitationView,
  openedInvitation,
  registrationBody,
  revokeInvitationBody,
  shownLink,
} from '../identity/invitations/schemas.ts';
import { showInvitationLink } from '../identity/invitations/showInvitationLink.ts';
import { idParams } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['invitations'];
const state = { description: "The person's invitation", schema: invitationView };

/** Declares the invitation routes: per person, in bulk, and the public registration. */
export function registerInvitationRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/invitation',
      operationId: 'getInvitation',
      summary: "A person's invitation state",
      tags,
      params: idParams,
      response: state,
      errors: [404],
    },
    ({ params, services, auth }) => getInvitation(services, auth, params.id),
  );
  for (const kind of ['invite', 'resend'] as const)
    defineRoute(
      scope,
      {
        method: 'post',
        path: kind === 'invite' ? '/users/:id/invitation' : '/users/:id/invitation/resend',
        operationId: kind === 'invite' ? 'inviteUser' : 'resendInvitation',
        summary: kind === 'invite' ? 'Invite a person by e-mail' : 'Send an invitation again',
        description:
          'A one-time registration link goes to the person by mail (never in this answer); an earlier link stops working. 409 `already_registered`, `already_invited` (invite), `not_invited` (resend); 422 `no_email`, `user_deactivated`, `user_suspended`, `login_method_not_password`. An address changed by hand within 24 h holds the invitation (`held`).',
        tags,
        params: idParams,
        body: invitationBody,
        response: state,
        errors: [404, 409, 422],
      },
      ({ params, body, services, auth }) =>
        inviteUser(services, auth, params.id, kind, body.locale),
    );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/invitation/revoke',
      operationId: 'revokeInvitation',
      summary: "Revoke a person's invitation",
      tags,
      params: idParams,
      body: revokeInvitationBody,
      response: state,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      revokeInvitation(services, auth, params.id, body.reason ?? null),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/invitation/approve',
      operationId: 'approveInvitation',
      summary: 'Approve and send a held invitation (a second person)',
      tags,
      params: idParams,
      response: state,
      errors: [403, 404, 409],
    },
    ({ params, services, auth }) => approveInvitation(services, auth, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/invitation/link',
      operationId: 'showInvitationLink',
      summary: 'Show the registration link (only when mail is not configured)',
      description:
        "Audited `invitation.link_shown`. The link gives whoever opens it the person's account: hand it over in person. 409 `mail_configured` when mail is set up; 403 for people of equal or higher rank.",
      tags,
      params: idParams,
      body: invitationBody,
      response: { status: 201, description: 'The link, once', schema: shownLink },
      errors: [403, 404, 409, 422],
    },
    async ({ params, body, services, auth }) => {
      const shown = await showInvitationLink(services, auth, params.id, body.locale);
      return { ...shown, expiresAt: shown.expiresAt.toISOString() };
    },
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/invitation-batches',
      operationId: 'startBulkInvitation',
      summary: 'Invite everyone the people list filter matches, as a background job',
      tags,
      body: bulkInvitationBody,
      response: {
        status: 202,
        description: 'The job; poll GET /invitation-batches/:id',
        schema: z.object({ id: z.string(), total: z.number().int() }),
      },
      errors: [403],
    },
    ({ body, services, auth }) =>
      startBulkInvitation(services, auth.actor, auth.ability, body.filter, body.locale),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/invitation-batches/:id',
      operationId: 'getInvitationBatch',
      summary: "A bulk invitation's progress and per-person results",
      tags,
      params: idParams,
      query: batchPageQuery,
      response: { description: 'The job', schema: invitationBatchView },
      errors: [403, 404],
    },
    ({ params, query, services, auth }) =>
      readInvitationBatch(services, auth.actor, auth.ability, params.id, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/invitations/open',
      operationId: 'openInvitation',
      summary: 'Open an invitation (the registration page)',
      tags,
      auth: 'none',
      body: z.object({ token: z.string().min(1).max(128) }).strict(),
      response: {
        description: 'Who is registering, and the factor to enrol',
        schema: openedInvitation,
      },
      errors: [400, 410],
    },
    ({ body, ctx, services }) => openInvitation(services, ctx.state.meta, body.token),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/invitations/register',
      operationId: 'completeRegistration',
      summary: 'Register: set the password (and second factor) from an invitation',
      description:
        'Single use. 410 `invitation_used`, `invitation_expired`, `invitation_revoked`; 422 password policy, `second_factor_required`, `wrong_code`.',
      tags,
      auth: 'none',
      body: registrationBody,
      response: {
        description: 'Registered; sign in to the messenger next',
        schema: z.object({
          username: z.string().nullable(),
          recoveryCodes: z.array(z.string()).nullable(),
        }),
      },
      errors: [400, 410, 422, 503],
    },
    ({ body, ctx, services }) => completeRegistration(services, ctx.state.meta, body),
  );
}
