import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ROLES } from '../authz/roles.ts';

export const USER_STATUSES = ['pending', 'active', 'suspended', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const LOGIN_METHODS = ['password', 'ldap', 'oidc', 'email_code', 'sms_code'] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];
export const SOURCES = ['manual', 'import', 'ad', 'hr', 'scim'] as const;
export type Source = (typeof SOURCES)[number];
export const ORGANIZATION_KINDS = ['department', 'project'] as const;
/**
 * Why a person is in a space (`space_member.via`, issue 18): by hand, by a directory group
 * mapping, by an HR channel, by SCIM group membership, or by a bulk load with no person behind it.
 */
export const MEMBERSHIP_VIAS = ['manual', 'directory_group', 'hr', 'scim', 'import'] as const;
export type MembershipVia = (typeof MEMBERSHIP_VIAS)[number];

/**
 * A person: a messenger user, and possibly a back-office operator (`role`).
 * Foreign keys are plain ids: related rows are loaded by explicit queries, never lazily.
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  versionProperty: 'version',
  properties: {
    id: p.uuid().primary(),
    username: p.text().nullable(),
    /**
     * The person's account in the messaging core: assigned by the database when they first have
     * a login and never changed or reused (migration CoreAccounts). Mapped as generated so the
     * ORM never writes it and reads it back (RETURNING) after every insert and update; the
     * expression is only a label, as the schema is made by migrations.
     */
    coreAccount: p.text().nullable().generated('by trigger app_user_core_account'),
    familyName: p.text(),
    givenName: p.text(),
    middleName: p.text().nullable(),
    displayName: p.text(),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    title: p.text().nullable(),
    organizationId: p.uuid().nullable(),
    status: p.enum([...USER_STATUSES]).default('pending'),
    statusChangedAt: p.datetime().nullable(),
    statusChangedById: p.uuid().nullable(),
    statusReason: p.text().nullable(),
    loginMethod: p.enum([...LOGIN_METHODS]).default('password'),
    role: p.enum([...ROLES]).nullable(),
    rank: p.smallint().default(0),
    passwordHash: p.text().nullable(),
    passwordChangedAt: p.datetime().nullable(),
    addedById: p.uuid().nullable(),
    /** Free text: who asked for the person, when they are outside the directory. */
    initiatedBy: p.text().nullable(),
    /** The person of the directory who asked for this person to be added. */
    initiatedById: p.uuid().nullable(),
    source: p.enum([...SOURCES]).default('manual'),
    externalId: p.text().nullable(),
    /** The directory source (AD / LDAP) that owns the person, with `externalId` its id there. */
    sourceId: p.text().nullable(),
    /** HR's personnel number: the key every HR channel identifies the person by. */
    employeeNumber: p.text().nullable(),
    /** The HR channel that feeds the person ('hr-import', 'scim'), if any. */
    hrSourceId: p.text().nullable(),
    /** SCIM's externalId (the HR platform's own id for the person). */
    scimExternalId: p.text().nullable(),
    /** First working day (YYYY-MM-DD), from HR. */
    hireDate: p.string().columnType('date').nullable(),
    /** Last working day (YYYY-MM-DD), from HR: the person is deactivated at its end. */
    terminationDate: p.string().columnType('date').nullable(),
    lastLoginAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});
export type User = InferEntity<typeof User>;

/** A department or project; organizations form a tree. */
export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organization',
  versionProperty: 'version',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    kind: p.enum([...ORGANIZATION_KINDS]),
    parentId: p.uuid().nullable(),
    description: p.text().nullable(),
    source: p.enum([...SOURCES]).default('manual'),
    externalId: p.text().nullable(),
    // Issue 18: the head reviews the organization's access (access reviews).
    headId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});
export type Organization = InferEntity<typeof Organization>;

/** A group of chats and members. Spaces have no owner: they outlive whoever created them. */
export const Space = defineEntity({
  name: 'Space',
  tableName: 'space',
  versionProperty: 'version',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    description: p.text().nullable(),
    organizationId: p.uuid().nullable(),
    /** Who made the space: `manual`, or the source that owns it (`scim` for SCIM groups). */
    source: p.enum([...SOURCES]).default('manual'),
    /** The owning source's id for the space (SCIM's externalId). */
    externalId: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});
export type Space = InferEntity<typeof Space>;

/** A person's membership of a space. */
export const SpaceMember = defineEntity({
  name: 'SpaceMember',
  tableName: 'space_member',
  properties: {
    spaceId: p.uuid().primary(),
    userId: p.uuid().primary(),
    addedAt: p.datetime().onCreate(() => new Date()),
    addedById: p.uuid().nullable(),
    /** The door that added the membership (migration MembershipReasons). */
    via: p.enum([...MEMBERSHIP_VIAS]).default('manual'),
    /** The source that added it (a directory source id, `hr-import`, `scim`), if any. */
    viaSourceId: p.text().nullable(),
  },
});
export type SpaceMember = InferEntity<typeof SpaceMember>;
