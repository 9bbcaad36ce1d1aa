import { z } from 'zod';
import { ROLES } from '../../authz/roles.ts';
import { SOURCES, USER_STATUSES } from '../../directory/entities.ts';
import { INVITATION_FILTERS, INVITATION_STATUSES } from '../../directory/users/invitationFilter.ts';
import { paragraph, uuid } from '../../shared/schemas.ts';

const locale = z.enum(['ru', 'en']);

/** Body of invite, resend and show-link: the language of the mail and the page (default: as before, else ru). */
export const invitationBody = z.object({ locale: locale.optional() }).strict();

/** Body of a revocation. */
export const revokeInvitationBody = z.object({ reason: paragraph(1000).optional() }).strict();

/** A person's invitation state (never the token). */
export const invitationView = z.object({
  userId: z.string(),
  status: z.enum(INVITATION_STATUSES),
  locale: locale.nullable(),
  firstSentAt: z.iso.datetime().nullable(),
  lastSentAt: z.iso.datetime().nullable(),
  sentCount: z.number().int(),
  firstInvitedById: z.string().nullable(),
  lastInvitedById: z.string().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  remindedAt: z.iso.datetime().nullable(),
  heldUntil: z.iso.datetime().nullable(),
  registeredAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

/** A link shown to an operator (mail not configured), with the warning to show beside it. */
export const shownLink = z.object({
  url: z.string(),
  expiresAt: z.iso.datetime(),
  warning: z.object({ code: z.literal('link_gives_account'), message: z.string() }),
});

/** Body of a bulk invitation: the people list's filters (as `GET /users` takes them). */
export const bulkInvitationBody = z
  .object({
    filter: z
      .object({
        q: paragraph(200).optional(),
        organizationId: uuid.optional(),
        spaceId: uuid.optional(),
        status: z.enum(USER_STATUSES).optional(),
        role: z.enum([...ROLES, 'none']).optional(),
        source: z.enum(SOURCES).optional(),
        addedBy: uuid.optional(),
        invitation: z.enum(INVITATION_FILTERS).optional(),
      })
      .strict(),
    locale: locale.default('ru'),
  })
  .strict();

/** A bulk invitation's progress and per-person results. */
export const invitationBatchView = z.object({
  id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  requestedBy: z.string(),
  filter: z.record(z.string(), z.unknown()),
  locale,
  total: z.number().int(),
  processed: z.number().int(),
  invited: z.number().int(),
  skipped: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  items: z.array(
    z.object({
      userId: z.string(),
      label: z.string().nullable(),
      outcome: z.enum(['invited', 'skipped']).nullable(),
      code: z.string().nullable(),
    }),
  ),
});

/** Query of a batch read: a page of its per-person results. */
export const batchPageQuery = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** What the registration page gets when it opens a token. */
export const openedInvitation = z.object({
  displayName: z.string(),
  username: z.string().nullable(),
  locale,
  passwordMinLength: z.number().int(),
  secondFactor: z.object({ otpauthUri: z.string(), qrCode: z.string() }).nullable(),
});

/** Body of the registration. */
export const registrationBody = z
  .object({
    token: z.string().min(1).max(128),
    password: z.string().min(1, 'must not be empty').max(1024, 'is too long'),
    code: z.string().max(16).optional(),
  })
  .strict();
