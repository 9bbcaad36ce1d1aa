import type { Source } from '../entities.ts';

/** Profile attributes that a directory source can own (and a person's card can show). */
export const PROFILE_FIELDS = [
  'username',
  'familyName',
  'givenName',
  'middleName',
  'displayName',
  'email',
  'phone',
  'title',
  'organizationId',
  'initiatedBy',
  'initiatedById',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const PERSONNEL: readonly ProfileField[] = [
  'familyName',
  'givenName',
  'middleName',
  'title',
  'organizationId',
  'email',
  'phone',
];

/**
 * Which attributes each source owns; the next sync would overwrite a hand edit of them, so they
 * are read-only by hand.
 *
 * - `ad`: the directory is the system of record for the account itself, including the login
 *   name and the display name it publishes.
 * - `hr`, `scim`, `import`: personnel data (ФИО, title, department, work email and phone).
 *   The display name and username stay editable: HR records do not carry a preferred display
 *   name or a login, and the messenger may need a local one.
 * - `manual`: nothing; everything is edited by hand.
 *
 * `initiatedBy` / `initiatedById` (who asked for the account) is never owned: it records a
 * local request.
 */
export const SOURCE_OWNED: Readonly<Record<Source, readonly ProfileField[]>> = {
  manual: [],
  ad: [
    'username',
    'familyName',
    'givenName',
    'middleName',
    'displayName',
    'email',
    'phone',
    'title',
    'organizationId',
  ],
  hr: PERSONNEL,
  scim: PERSONNEL,
  import: PERSONNEL,
};

/** The attributes of a person from `source` that may not be edited by hand. */
export function ownedFields(source: Source): readonly ProfileField[] {
  return SOURCE_OWNED[source];
}
