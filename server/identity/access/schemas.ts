import { z } from 'zod';
import { ROLES } from '../../authz/roles.ts';
import { MEMBERSHIP_VIAS, USER_STATUSES } from '../../directory/entities.ts';
import { line, paging, uuid } from '../../shared/schemas.ts';

/**
 * The company's access views (issue 18, scope 4): `dormant` (active, no login for N days),
 * `orphaned` (not deactivated, yet gone from every source that owns them), `no-second-factor`
 * (back-office accounts without an authenticator) and `unused-backoffice` (back-office accounts
 * not used for N days).
 */
export const ACCESS_VIEWS = [
  'dormant',
  'orphaned',
  'no-second-factor',
  'unused-backoffice',
] as const;
export type AccessViewName = (typeof ACCESS_VIEWS)[number];

/** Views that list back-office accounts: read like the back-office accounts list. */
export const BACKOFFICE_VIEWS: ReadonlySet<AccessViewName> = new Set([
  'no-second-factor',
  'unused-backoffice',
]);

/** Sort keys of a company view: by name, or by how long the person has been idle. */
export const ACCESS_SORTS = ['name', 'idle'] as const;

/** Why a source counts a person as gone (`orphaned`). */
export const GONE_REASONS = [
  // The source the person belongs to is configured no more.
  'source_removed',
  // The source's latest word on the person is a deactivation that was not applied: held for an
  // approval, blocked by a safety rule, cancelled, a dry run or a preview.
  'deactivation_not_applied',
] as const;

/** Why a person is in their organization: whoever sets it, by the owner rules of the card. */
export const ORGANIZATION_VIAS = ['manual', 'directory', 'hr', 'scim', 'import'] as const;
export type OrganizationVia = (typeof ORGANIZATION_VIAS)[number];

/** `:view` of `/access/:view`. */
export const accessViewParams = z.object({ view: z.enum(ACCESS_VIEWS) }).strict();

const filters = {
  q: line(200).optional().describe('Fragment of a name, email or login'),
  organizationId: uuid.optional().describe('Only people of this organization and its subtree'),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('Idle for at least this many days (dormant, unused-backoffice)'),
  sort: z.enum(ACCESS_SORTS).default('idle'),
  order: z.enum(['asc', 'desc']).default('desc'),
};

/** `GET /access/:view`: filters, sort and page. */
export function accessViewQuery(maxLimit: number, defaultLimit: number) {
  return z.object({ ...filters, ...paging(maxLimit, defaultLimit) }).strict();
}
export type AccessViewQuery = z.infer<ReturnType<typeof accessViewQuery>>;
/** The filters of a view, without paging (exports take every row). */
export type AccessViewFilter = Omit<AccessViewQuery, 'offset' | 'limit'>;

/** `GET /access/:view/export` (and the other access exports): filters and the file's language. */
export const accessExportQuery = z
  .object({ ...filters, lang: z.enum(['ru', 'en']).default('ru') })
  .strict();
export type AccessExportQuery = z.infer<typeof accessExportQuery>;

/** `GET /spaces/:id/members/export`, `GET /users/:id/access/export`: the file's language. */
export const accessLangQuery = z
  .object({
    lang: z.enum(['ru', 'en']).default('ru'),
    via: z.enum(MEMBERSHIP_VIAS).optional(),
  })
  .strict();

/** One row of a company view: the person and what the view found. */
export const accessRowView = z.object({
  userId: z.string(),
  fullName: z.string().describe('«Фамилия Имя Отчество»'),
  username: z.string().nullable(),
  email: z.string().nullable(),
  status: z.enum(USER_STATUSES),
  organizationId: z.string().nullable(),
  organizationName: z.string().nullable(),
  roles: z.array(z.enum(ROLES)).describe('Back-office roles in force: standing and granted'),
  loginMethod: z.string(),
  lastLoginAt: z.string().nullable().describe('Last sign-in anywhere (messenger or console)'),
  lastBackofficeAt: z.string().nullable().describe('Last use of the console'),
  idleSince: z.string().nullable().describe('What the idle days count from'),
  idleDays: z.number().int().nullable(),
  owners: z.array(z.string()).describe('Sources that own the person'),
  goneFrom: z
    .array(z.object({ sourceId: z.string(), reason: z.enum(GONE_REASONS) }))
    .describe('orphaned: each owning source and why it counts the person as gone'),
});
export type AccessRowView = z.infer<typeof accessRowView>;

/** One space a person is in, and why. */
export const personSpaceView = z.object({
  spaceId: z.string(),
  name: z.string(),
  organizationName: z.string().nullable(),
  via: z.enum(MEMBERSHIP_VIAS),
  viaSourceId: z.string().nullable(),
  addedAt: z.string(),
  addedById: z.string().nullable(),
  addedByName: z.string().nullable(),
});

/** One back-office right: the standing role, or a role grant in force. */
export const personRightView = z.object({
  role: z.enum(ROLES),
  grantId: z.string().nullable().describe('null: the standing role of the account'),
  scope: z.array(z.object({ id: z.string(), name: z.string() })).describe('empty: the company'),
  expiresAt: z.string().nullable(),
  grantedAt: z.string().nullable(),
  reason: z.string().nullable(),
});

/** `GET /users/:id/access`: every space and organization a person is in and why, every right. */
export const personAccessView = z.object({
  userId: z.string(),
  fullName: z.string(),
  status: z.enum(USER_STATUSES),
  owners: z.array(z.string()),
  organization: z
    .object({
      id: z.string(),
      name: z.string(),
      path: z.array(z.string()).describe('From the top of the tree down to the organization'),
      via: z.enum(ORGANIZATION_VIAS),
      viaSourceId: z.string().nullable(),
    })
    .nullable(),
  spaces: z.array(personSpaceView),
  spacesTotal: z.number().int(),
  rights: z.array(personRightView),
});
export type PersonAccessView = z.infer<typeof personAccessView>;

/** `GET /users/:id/access`: a page of the person's spaces. */
export function personAccessQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({ via: z.enum(MEMBERSHIP_VIAS).optional(), ...paging(maxLimit, defaultLimit) })
    .strict();
}
export type PersonAccessQuery = z.infer<ReturnType<typeof personAccessQuery>>;
