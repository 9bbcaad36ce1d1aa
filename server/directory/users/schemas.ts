import { z } from 'zod';
import { ROLES } from '../../authz/roles.ts';
import {
  email,
  line,
  listOf,
  order,
  paging,
  paragraph,
  phone,
  username,
  uuid,
} from '../../shared/schemas.ts';
import { LOGIN_METHODS, SOURCES, USER_STATUSES } from '../entities.ts';
import { INVITATION_FILTERS, INVITATION_STATUSES } from './invitationFilter.ts';

const name = line(200);
const profile = {
  username: username.nullable(),
  familyName: name,
  givenName: name,
  middleName: name.nullable(),
  displayName: line(400),
  email: email.nullable(),
  phone: phone.nullable(),
  title: line(300).nullable(),
  organizationId: uuid.nullable(),
  initiatedBy: line(300).nullable(),
  initiatedById: uuid.nullable(),
};

/** `POST /users`. */
export const createUserBody = z
  .object({
    ...profile,
    username: profile.username.optional(),
    middleName: profile.middleName.optional(),
    displayName: profile.displayName.optional(),
    email: profile.email.optional(),
    phone: profile.phone.optional(),
    title: profile.title.optional(),
    organizationId: profile.organizationId.optional(),
    initiatedBy: profile.initiatedBy.optional(),
    initiatedById: profile.initiatedById
      .optional()
      .describe('The person of the directory who asked for this one (GET /users to find them)'),
    status: z.enum(['pending', 'active']).optional(),
  })
  .strict();

/** `PATCH /users/:id`: any profile fields plus the version the editor saw. */
export const updateUserBody = z
  .object({
    username: profile.username.optional(),
    familyName: profile.familyName.optional(),
    givenName: profile.givenName.optional(),
    middleName: profile.middleName.optional(),
    displayName: profile.displayName.optional(),
    email: profile.email.optional(),
    phone: profile.phone.optional(),
    title: profile.title.optional(),
    organizationId: profile.organizationId.optional(),
    initiatedBy: profile.initiatedBy.optional(),
    initiatedById: profile.initiatedById.optional(),
    version: z.number().int().min(1),
  })
  .strict();

/** `POST /users/:id/deactivate`: a reason is mandatory. */
export const deactivateBody = z
  .object({ reason: paragraph(1000).pipe(z.string().min(1, 'must not be empty')) })
  .strict();

/** `POST /users/:id/activate`. */
export const activateBody = z.object({ reason: paragraph(1000).optional() }).strict();

/** `PUT /users/:id/login-method`. */
export const loginMethodBody = z.object({ loginMethod: z.enum(LOGIN_METHODS) }).strict();

/**
 * `PUT /users/:id/role`; `superadmin` parses but is always refused (403). The reason is required,
 * by the command (after authorization, so a denied attempt is audited whatever the body).
 */
export const roleBody = z
  .object({ role: z.enum(ROLES).nullable(), reason: paragraph(1000).optional() })
  .strict();

/** Sort keys of the people list. */
export const USER_SORTS = ['name', 'createdAt', 'status', 'updatedAt'] as const;
export type UserSort = (typeof USER_SORTS)[number];

/** Query of `GET /users`; `role=none` selects plain users. */
export function userListQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      q: paragraph(200).optional(),
      organizationId: uuid.optional(),
      spaceId: uuid.optional(),
      status: z.enum(USER_STATUSES).optional(),
      role: z.enum([...ROLES, 'none']).optional(),
      source: z.enum(SOURCES).optional(),
      addedBy: uuid.optional(),
      invitation: z.enum(INVITATION_FILTERS).optional(),
      /**
       * `true`: count every match even for a broad search (for "everyone matching"); otherwise a
       * search's count stops after SEARCH_COUNT_CAP matches and says so (`totalIsEstimate`).
       */
      exactTotal: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional(),
      sort: z.enum(USER_SORTS).default('name'),
      order,
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}

/** Query of `GET /backoffice-accounts`: everyone listed holds a role. */
export function backofficeListQuery(maxLimit: number, defaultLimit: number) {
  return userListQuery(maxLimit, defaultLimit).extend({ role: z.enum(ROLES).optional() });
}

const personRef = z
  .object({
    id: z.string(),
    displayName: z.string(),
    fullName: z.string().describe('«Фамилия Имя Отчество»'),
  })
  .nullable();

/** A person as the API returns them. */
export const userView = z.object({
  id: z.string(),
  username: z.string().nullable(),
  coreAccount: z
    .string()
    .nullable()
    .describe('The account in the messaging core: assigned with the first login, never reused'),
  familyName: z.string(),
  givenName: z.string(),
  middleName: z.string().nullable(),
  fullName: z.string().describe('«Фамилия Имя Отчество»: how the console lists people'),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  organization: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: z.enum(USER_STATUSES),
  statusChangedAt: z.string().nullable(),
  statusChangedBy: personRef,
  statusReason: z.string().nullable(),
  loginMethod: z.enum(LOGIN_METHODS),
  role: z.enum(ROLES).nullable(),
  rank: z.number().int().describe('The highest rank in force: standing role and role grants'),
  addedBy: personRef,
  initiatedBy: z.string().nullable().describe('Free text: someone outside the directory'),
  initiatedByPerson: personRef.describe('The person of the directory who asked for this one'),
  source: z.enum(SOURCES),
  externalId: z.string().nullable(),
  /** The directory source (AD / LDAP) the person is linked to, if any. */
  sourceId: z.string().nullable(),
  /** The HR channel ('hr-import', 'scim') that feeds the person, if any. */
  hrSourceId: z.string().nullable(),
  employeeNumber: z.string().nullable(),
  hireDate: z.string().nullable().describe('YYYY-MM-DD'),
  terminationDate: z.string().nullable().describe('YYYY-MM-DD'),
  /** Attribute → the source id that maintains it; absent attributes are edited by hand. */
  fieldOwners: z.record(z.string(), z.string()),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

/** A page of people. */
export const userList = listOf(
  userView.extend({
    /** Where the person's invitation stands (docs/invitations.md). */
    invitation: z.enum(INVITATION_STATUSES).optional(),
  }),
).extend({
  totalIsEstimate: z
    .boolean()
    .describe(
      '`true`: a search matched more than `total` people and counting stopped there, so `total` is a lower bound (ask with `exactTotal=true` for the whole count)',
    ),
});

/** A person's card: the list view plus 2FA state and spaces (the API adds scheduled changes). */
export const personCard = userView.extend({
  secondFactor: z.object({ enrolled: z.boolean(), enrolledAt: z.iso.datetime().nullable() }),
  spaces: z.array(z.object({ id: z.uuid(), name: z.string() })).nullable(),
});
