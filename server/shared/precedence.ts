import { z } from 'zod';

/**
 * Which kind of source wins each attribute of a person fed by both a directory (AD / LDAP) and
 * HR (imports, SCIM). A person linked to one kind only takes every attribute that kind provides;
 * a person linked to both takes each attribute from the kind that wins it here.
 */

/** The kinds of source that feed people. */
export const SOURCE_KINDS_OF_PEOPLE = ['directory', 'hr'] as const;
export type PeopleSourceKind = (typeof SOURCE_KINDS_OF_PEOPLE)[number];

/** Attributes sources can own (`organization` is the department; `spaces` the mapped groups). */
export const SOURCED_FIELDS = [
  'username',
  'familyName',
  'givenName',
  'middleName',
  'displayName',
  'email',
  'phone',
  'title',
  'organization',
  'hireDate',
  'terminationDate',
  'spaces',
] as const;
export type SourcedField = (typeof SOURCED_FIELDS)[number];

/** What each kind of source can provide at all. */
export const PROVIDED_BY: Readonly<Record<PeopleSourceKind, readonly SourcedField[]>> = {
  directory: [
    'username',
    'familyName',
    'givenName',
    'middleName',
    'displayName',
    'email',
    'phone',
    'title',
    'organization',
    'spaces',
  ],
  hr: [
    'familyName',
    'givenName',
    'middleName',
    'email',
    'phone',
    'title',
    'organization',
    'hireDate',
    'terminationDate',
  ],
};

/** The default: HR for names, title, department and dates; the directory for the account. */
export const DEFAULT_PRECEDENCE: Readonly<Record<SourcedField, PeopleSourceKind>> = {
  username: 'directory',
  familyName: 'hr',
  givenName: 'hr',
  middleName: 'hr',
  displayName: 'directory',
  email: 'directory',
  phone: 'directory',
  title: 'hr',
  organization: 'hr',
  hireDate: 'hr',
  terminationDate: 'hr',
  spaces: 'directory',
};

export type Precedence = Record<SourcedField, PeopleSourceKind>;

/** `hr.precedence` in the configuration: overrides of the default, field by field. */
export const precedenceSchema = z
  .object(
    Object.fromEntries(
      SOURCED_FIELDS.map((field) => [field, z.enum(SOURCE_KINDS_OF_PEOPLE).optional()]),
    ) as Record<SourcedField, z.ZodOptional<z.ZodEnum<{ directory: 'directory'; hr: 'hr' }>>>,
  )
  .strict()
  .default({})
  .transform((overrides): Precedence => {
    const out: Precedence = { ...DEFAULT_PRECEDENCE };
    for (const field of SOURCED_FIELDS) {
      const kind = overrides[field];
      if (kind) out[field] = kind;
    }
    return out;
  });

/** The links of one person to its sources, as stored on app_user. */
export interface SourceLinks {
  /** source_id: the directory source (AD / LDAP) that owns the person, if any. */
  sourceId: string | null;
  /** hr_source_id: the HR channel that feeds the person, if any. */
  hrSourceId: string | null;
}

/**
 * The fields a source of `kind` may write for a person: those it provides, minus those the other
 * kind wins when the person is linked to the other kind too.
 */
export function writableFields(
  kind: PeopleSourceKind,
  linkedToOther: boolean,
  precedence: Precedence,
): SourcedField[] {
  return PROVIDED_BY[kind].filter((field) => !linkedToOther || precedence[field] === kind);
}

/**
 * Who owns each attribute of one person: the source id of the winning linked source, for every
 * attribute some linked source provides. Attributes absent from the result are edited by hand.
 */
export function fieldOwners(
  links: SourceLinks,
  precedence: Precedence,
): Partial<Record<SourcedField, string>> {
  const owners: Partial<Record<SourcedField, string>> = {};
  const ids: Record<PeopleSourceKind, string | null> = {
    directory: links.sourceId,
    hr: links.hrSourceId,
  };
  for (const kind of SOURCE_KINDS_OF_PEOPLE) {
    const id = ids[kind];
    if (!id) continue;
    const other = kind === 'directory' ? ids.hr : ids.directory;
    for (const field of writableFields(kind, other !== null, precedence)) owners[field] = id;
  }
  return owners;
}
