import { z } from 'zod';

/** AD's filter for people: `objectCategory` is indexed, and excludes computer accounts (also `user`). */
export const AD_DEFAULT_USER_FILTER = '(&(objectCategory=person)(objectClass=user))';
/** Generic LDAP (OpenLDAP, 389-DS, FreeIPA): people are `inetOrgPerson` entries. */
export const LDAP_DEFAULT_USER_FILTER = '(objectClass=inetOrgPerson)';

const tlsSchema = z
  .object({
    /** PEM bundle of the CA(s) that signed the directory's certificate; the system store if unset. */
    caFile: z.string().min(1).optional(),
    /** Off only for a throw-away test directory: it accepts any certificate. */
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

/** A filter must be a parenthesised RFC 4515 expression; it is embedded in an `(&...)`. */
const filterSchema = z.string().regex(/^\(.*\)$/s, 'must be an LDAP filter in parentheses');
const attributeSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name (letters, digits, hyphens)');

/** SourcePerson fields a source's attributes map onto (`groups` reads DN-valued attributes). */
export const syncAttributeFields = [
  'username',
  'givenName',
  'familyName',
  'middleName',
  'displayName',
  'email',
  'phone',
  'title',
  'department',
  'employeeId',
  'groups',
] as const;

/** One attribute, or several tried in order (the first with a value wins). */
const attributeListSchema = z.union([attributeSchema, z.array(attributeSchema).min(1)]);

/** Partial: a field left out keeps the kind's default; null maps the field to nothing. */
const attributeMappingSchema = z
  .object(
    Object.fromEntries(
      syncAttributeFields.map((field) => [field, attributeListSchema.nullable().optional()]),
    ) as Record<
      (typeof syncAttributeFields)[number],
      z.ZodOptional<z.ZodNullable<typeof attributeListSchema>>
    >,
  )
  .strict();

/** A group (by DN) whose members are given spaces and/or an organization by the sync engine. */
const groupMappingSchema = z
  .object({
    group: z.string().min(1),
    spaces: z.array(z.string().min(1)).default([]),
    organization: z.string().min(1).nullable().default(null),
  })
  .strict();

const commonFields = {
  /** Stable id; synced people will record it (issue 4), so never rename a source in use. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, _ and -'),
  /** `ldaps://host[:port]` or `ldap://host[:port]` (then StartTLS, or `allowPlain`). */
  url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be ldap://host[:port] or ldaps://…'),
  startTls: z.boolean().default(false),
  tls: tlsSchema.default({ rejectUnauthorized: true }),
  /** Plain `ldap://` without StartTLS sends passwords in clear text: allowed only when explicit. */
  allowPlain: z.boolean().default(false),
  /** The service account used to find people (read access to the user entries is enough). */
  bindDn: z.string().min(1),
  /** NAME of the environment variable holding the service account's password (never the value). */
  bindPasswordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  baseDn: z.string().min(1),
  /** Connect timeout and per-operation timeout. */
  timeoutMs: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** Sync: entries per page of the paged search (AD's MaxPageSize is 1,000 by default). */
  pageSize: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Sync: overrides of the attribute mapping (see syncAttributeFields); unset fields keep the kind's default. */
  attributes: attributeMappingSchema.default({}),
  /** Sync: where group searches start (groups often live outside the people's OU); default baseDn. */
  groupBaseDn: z.string().min(1).optional(),
  /** Sync: which entries are groups (for group mappings and membership reads). */
  groupFilter: filterSchema.optional(),
  /** Sync: groups whose members get spaces / an organization (resolved by the sync engine). */
  groupMappings: z.array(groupMappingSchema).default([]),
  /** Sync: count members of nested groups as members (AD: LDAP_MATCHING_RULE_IN_CHAIN). */
  nestedGroups: z.boolean().default(false),
};

const activeDirectorySchema = z
  .object({
    kind: z.literal('active-directory'),
    ...commonFields,
    userFilter: filterSchema.default(AD_DEFAULT_USER_FILTER),
    loginAttribute: attributeSchema.default('sAMAccountName'),
  })
  .strict();

const genericLdapSchema = z
  .object({
    kind: z.literal('ldap'),
    ...commonFields,
    userFilter: filterSchema.default(LDAP_DEFAULT_USER_FILTER),
    loginAttribute: attributeSchema.default('uid'),
    /** Stable external id attribute (RFC 4530); used by sync. */
    idAttribute: attributeSchema.default('entryUUID'),
    /**
     * An attribute whose presence marks a locked account: `pwdAccountLockedTime` (OpenLDAP
     * ppolicy) or `nsAccountLock` (389-DS, FreeIPA; the value `FALSE` means not locked).
     * Null: the directory enforces locks at bind time only.
     */
    lockAttribute: attributeSchema.nullable().default(null),
  })
  .strict();

/** One directory source as configured under `directorySources`. */
export const directorySourceSchema = z
  .discriminatedUnion('kind', [activeDirectorySchema, genericLdapSchema])
  .superRefine((source, ctx) => {
    const ldaps = /^ldaps:/i.test(source.url);
    if (ldaps && source.startTls)
      ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'ldaps:// is already TLS' });
    if (!ldaps && !source.startTls && !source.allowPlain)
      ctx.addIssue({
        code: 'custom',
        path: ['allowPlain'],
        message:
          'plain ldap:// sends passwords in clear text: use ldaps://, startTls, or set allowPlain',
      });
  });

/** The `directorySources` list; ids must be unique. */
export const directorySourcesSchema = z
  .array(directorySourceSchema)
  .default([])
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((source, index) => {
      if (seen.has(source.id))
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'duplicate source id' });
      seen.add(source.id);
    });
  });

/** A validated directory source (defaults applied). */
export type DirectorySource = z.infer<typeof directorySourceSchema>;

/** Thrown when a source cannot be used as configured (e.g. its password variable is unset). */
export class DirectorySourceError extends Error {
  override name = 'DirectorySourceError';
}

/**
 * The service account's password, read from the environment variable the source names. Read at
 * use time rather than at config load, so the secret never sits in the config object (which is
 * logged and passed around) and a rotated value is picked up by the next connection.
 */
export function bindPasswordOf(
  source: DirectorySource,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const value = env[source.bindPasswordEnv];
  if (!value)
    throw new DirectorySourceError(
      `directory source ${source.id}: environment variable ${source.bindPasswordEnv} is not set`,
    );
  return value;
}
