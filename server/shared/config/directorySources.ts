import { inspect } from 'node:util';
import { z } from 'zod';
import { dnMatchKey, dnWithin } from '../dn.ts';

/** AD's filter for people: `objectCategory` is indexed, and excludes computer accounts (also `user`). */
export const AD_DEFAULT_USER_FILTER = '(&(objectCategory=person)(objectClass=user))';
/** Generic LDAP (OpenLDAP, 389-DS, FreeIPA): people are `inetOrgPerson` entries. */
export const LDAP_DEFAULT_USER_FILTER = '(objectClass=inetOrgPerson)';

/** The largest CA bundle pasted into a source (a corporate chain is a few kilobytes). */
const MAX_CA_BUNDLE_CHARS = 65_536;

const tlsSchema = z
  .object({
    /**
     * The CA certificate(s) that signed the directory's certificate, pasted as PEM text: what a
     * console administrator has, without access to the service's file system.
     */
    ca: z
      .string()
      .max(MAX_CA_BUNDLE_CHARS, `must be at most ${MAX_CA_BUNDLE_CHARS} characters`)
      .regex(
        /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/,
        'must be one or more PEM certificates (-----BEGIN CERTIFICATE----- …)',
      )
      .optional(),
    /** A PEM bundle file on the service's machine (config files); the system store if unset. */
    caFile: z.string().min(1).optional(),
    /** Off only for a throw-away test directory: it accepts any certificate. */
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict()
  .refine((tls) => !(tls.ca && tls.caFile), {
    message: 'give the CA bundle either pasted (ca) or as a file (caFile), not both',
    params: { code: 'ca_conflict' },
    path: ['ca'],
  });

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

/**
 * Environment variables a source may take its bind password from: only `DIRECTORY_BIND_PASSWORD_`
 * and an uppercase suffix. Any other name could make the service send a secret it holds
 * (`SECRET_KEY`, `DATABASE_URL`, another source's variable under a different prefix) to a host
 * of the configurer's choosing in the first bind; this prefix names variables that exist for
 * nothing else.
 */
export const BIND_PASSWORD_ENV_PREFIX = 'DIRECTORY_BIND_PASSWORD_';
/** The whole rule, checked by the schema and again at use ({@link bindPasswordOf}). */
export const BIND_PASSWORD_ENV_PATTERN = /^DIRECTORY_BIND_PASSWORD_[A-Z0-9_]+$/;

/** A `bindPasswordEnv` value: a name with the fixed prefix, never any other variable. */
export const bindPasswordEnvSchema = z
  .string()
  .regex(
    BIND_PASSWORD_ENV_PATTERN,
    `must be the name of an environment variable starting with ${BIND_PASSWORD_ENV_PREFIX} (then A-Z, 0-9, _)`,
  );

/** The most base DNs one source searches (each is one paged search per read). */
export const MAX_BASE_DNS = 20;

/**
 * Where a source's people are searched: one or more subtrees (`OU=Moscow,…` and
 * `OU=Yekaterinburg,…`). Each is searched on its own and the results merged, so two bases may
 * not repeat (letter case and spaces around separators ignored) or lie one inside the other:
 * the inner one would add nothing and make "moved out of scope" ambiguous.
 */
export const baseDnsSchema = z
  .array(z.string().trim().min(1, 'a base DN may not be empty'))
  .min(1, 'give at least one base DN')
  .max(MAX_BASE_DNS, `at most ${MAX_BASE_DNS} base DNs`)
  .superRefine((bases, ctx) => {
    bases.forEach((base, index) => {
      for (let earlier = 0; earlier < index; earlier += 1) {
        const other = bases[earlier] ?? '';
        if (dnMatchKey(other) === dnMatchKey(base))
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `duplicate base DN (the same as base DN ${earlier + 1}, ${other})`,
            // The console's text for the field (admin-ui/src/i18n/errors), with the other base.
            params: { code: 'duplicate_base_dn', other },
          });
        else if (dnWithin(base, other) || dnWithin(other, base))
          ctx.addIssue({
            code: 'custom',
            path: [index],
            params: { code: 'nested_base_dn', other },
            message: `base DNs may not be nested: ${base} and ${other} (base DN ${earlier + 1}) lie one inside the other; keep the outer one`,
          });
      }
    });
  });

const commonFields = {
  /** Stable id; synced people will record it (issue 4), so never rename a source in use. */
  id: z.string().refine((id) => /^[a-z0-9][a-z0-9_-]{0,62}$/.test(id), {
    message: 'lowercase letters, digits, _ and -',
    params: { code: 'invalid_source_id' },
  }),
  /** `ldaps://host[:port]` or `ldap://host[:port]` (then StartTLS, or `allowPlain`). */
  url: z.string().refine((url) => /^ldaps?:\/\/[^/\s]+\/?$/i.test(url), {
    message: 'must be ldap://host[:port] or ldaps://…',
    params: { code: 'invalid_ldap_url' },
  }),
  startTls: z.boolean().default(false),
  tls: tlsSchema.default({ rejectUnauthorized: true }),
  /** Plain `ldap://` without StartTLS sends passwords in clear text: allowed only when explicit. */
  allowPlain: z.boolean().default(false),
  /** The service account used to find people (read access to the user entries is enough). */
  bindDn: z.string().min(1),
  /**
   * NAME of the environment variable holding the service account's password (never the value),
   * `DIRECTORY_BIND_PASSWORD_<SUFFIX>`. Optional: a source defined through the API may instead
   * have a password stored encrypted ({@link StoredBindPassword}); a config source needs one.
   */
  bindPasswordEnv: bindPasswordEnvSchema.optional(),
  /** Where people are searched (see baseDnsSchema). */
  baseDns: baseDnsSchema.optional(),
  /** The older spelling of a single base DN, still accepted: the same as `baseDns: [baseDn]`. */
  baseDn: z.string().trim().min(1).optional(),
  /** Connect timeout and per-operation timeout. */
  timeoutMs: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** Sync: entries per page of the paged search (AD's MaxPageSize is 1,000 by default). */
  pageSize: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Sync: overrides of the attribute mapping (see syncAttributeFields); unset fields keep the kind's default. */
  attributes: attributeMappingSchema.default({}),
  /**
   * Sync: where group searches start (groups often live outside the people's OU); default: the
   * base DNs.
   */
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

/**
 * A source's connection settings as the API shows them (storedConnectionOf() with the kind):
 * every setting with its default applied, the base DNs only as `baseDns`. Declared for the
 * OpenAPI document, so the console's generated types name each setting.
 */
export const connectionViewSchema = z.discriminatedUnion('kind', [
  activeDirectorySchema.omit({ id: true, baseDn: true }).extend({ baseDns: z.array(z.string()) }),
  genericLdapSchema.omit({ id: true, baseDn: true }).extend({ baseDns: z.array(z.string()) }),
]);

/** One directory source as configured under `directorySources`. */
export const directorySourceSchema = z
  .discriminatedUnion('kind', [activeDirectorySchema, genericLdapSchema])
  .superRefine((source, ctx) => {
    const ldaps = /^ldaps:/i.test(source.url);
    if (ldaps && source.startTls)
      ctx.addIssue({
        code: 'custom',
        path: ['startTls'],
        message: 'ldaps:// is already TLS',
        params: { code: 'ldaps_already_tls' },
      });
    if (!ldaps && !source.startTls && !source.allowPlain)
      ctx.addIssue({
        code: 'custom',
        path: ['allowPlain'],
        params: { code: 'plain_ldap_refused' },
        message:
          'plain ldap:// sends passwords in clear text: use ldaps://, startTls, or set allowPlain',
      });
    if (source.baseDns === undefined && source.baseDn === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['baseDns'],
        message: 'give at least one base DN',
        params: { code: 'required' },
      });
    // Both given: a baseDn naming another base than the first would leave a reader guessing.
    if (
      source.baseDns !== undefined &&
      source.baseDn !== undefined &&
      dnMatchKey(source.baseDns[0] ?? '') !== dnMatchKey(source.baseDn)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['baseDn'],
        message: 'baseDn is the older spelling of baseDns: give one of them',
        params: { code: 'base_dn_conflict' },
      });
  })
  .transform(({ baseDn, baseDns, ...source }) => ({
    ...source,
    baseDns: baseDns ?? [baseDn ?? ''],
  }));

/**
 * The `directorySources` list; ids must be unique, and each names its password variable (a
 * configuration file has nowhere to store a password).
 */
export const directorySourcesSchema = z
  .array(directorySourceSchema)
  .default([])
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((source, index) => {
      if (seen.has(source.id))
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'duplicate source id' });
      seen.add(source.id);
      if (!source.bindPasswordEnv)
        ctx.addIssue({
          code: 'custom',
          path: [index, 'bindPasswordEnv'],
          message: `a configured source needs bindPasswordEnv: ${BIND_PASSWORD_ENV_PREFIX}<SUFFIX>`,
        });
    });
  });

/**
 * A stored (API source) bind password, opened only when a connection binds. The sealed value and
 * the way to open it are private fields: spreading, logging, JSON or `inspect` of a source never
 * shows them, so a source object can be logged, presented and audited safely.
 */
export class StoredBindPassword {
  readonly #open: () => string;

  /** `open` decrypts the password (server/shared/storedSources.ts); it is called per bind. */
  constructor(open: () => string) {
    this.#open = open;
  }

  /** The password in clear, for a bind only. */
  reveal(): string {
    return this.#open();
  }

  /** What a log line or a JSON copy shows instead of the secret. */
  toJSON(): string {
    return '[stored]';
  }

  /** What `console.log` / `util.inspect` shows. */
  [inspect.custom](): string {
    return 'StoredBindPassword [stored]';
  }
}

/**
 * A validated directory source (defaults applied); an API source with a stored password also
 * carries it, sealed, in `storedBindPassword` (never set by parsing: the schema is strict).
 */
export type DirectorySource = z.infer<typeof directorySourceSchema> & {
  readonly storedBindPassword?: StoredBindPassword;
};

/**
 * A source's settings as stored and shown (`baseDns` is the one spelling a stored source and the
 * API carry): without the id, the kind or a stored password.
 */
export function storedConnectionOf(
  source: DirectorySource,
): Omit<DirectorySource, 'id' | 'kind' | 'storedBindPassword'> {
  const { id: _id, kind: _kind, storedBindPassword: _stored, ...settings } = source;
  return settings;
}

/** A source's connection settings as the API shows them (connectionViewSchema). */
export function connectionViewOf(source: DirectorySource): z.infer<typeof connectionViewSchema> {
  const { id: _id, storedBindPassword: _stored, ...settings } = source;
  return settings;
}

/** A copy of a source searching other base DNs (benches and tests narrowing a source). */
export function withBaseDns(source: DirectorySource, baseDns: readonly string[]): DirectorySource {
  return { ...source, baseDns: [...baseDns] };
}

/**
 * The settings that say where, and how safely, a bind password is sent: the URL, the bind DN,
 * StartTLS / plain, and the TLS verification (CA, rejectUnauthorized). Changing any of them clears
 * a stored password (it must be typed again), and the stored password is sealed bound to them, so
 * a password can never be redirected to another host or over a weaker channel.
 */
export function bindTargetOf(source: DirectorySource): string {
  const tls = source.tls as Record<string, unknown>;
  return JSON.stringify({
    url: source.url.toLowerCase(),
    bindDn: source.bindDn,
    startTls: source.startTls,
    allowPlain: source.allowPlain,
    tls: Object.fromEntries(
      Object.keys(tls)
        .sort()
        .map((key) => [key, tls[key]]),
    ),
  });
}

/** Thrown when a source cannot be used as configured (e.g. its password variable is unset). */
export class DirectorySourceError extends Error {
  override name = 'DirectorySourceError';
}

/**
 * The service account's password: the stored one (API sources), else the environment variable the
 * source names. Read at use time rather than at config load, so the secret never sits in the
 * config object (which is logged and passed around) and a rotated value is picked up by the next
 * connection. The variable's name is checked against the prefix again here: a source object built
 * without the schema must not be able to read any other variable either.
 */
export function bindPasswordOf(
  source: DirectorySource,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (source.storedBindPassword) return source.storedBindPassword.reveal();
  const name = source.bindPasswordEnv;
  if (!name)
    throw new DirectorySourceError(
      `directory source ${source.id}: no bind password is set (store one through the API, or name a ${BIND_PASSWORD_ENV_PREFIX}<SUFFIX> variable)`,
    );
  if (!BIND_PASSWORD_ENV_PATTERN.test(name))
    throw new DirectorySourceError(
      `directory source ${source.id}: bindPasswordEnv must start with ${BIND_PASSWORD_ENV_PREFIX}`,
    );
  const value = env[name];
  if (!value)
    throw new DirectorySourceError(
      `directory source ${source.id}: environment variable ${name} is not set`,
    );
  return value;
}
