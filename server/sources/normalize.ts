import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { SourcePerson } from './types.ts';

/** A source entry as staged: our column rules applied (lengths, case, E.164). */
export interface StagedRecord {
  externalId: string;
  locator: string;
  username: string | null;
  familyName: string;
  givenName: string;
  middleName: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  department: string | null;
  employeeId: string | null;
  disabled: boolean;
  /**
   * Distinguished names of the person's groups, lower-cased: group mappings compare DNs
   * case-insensitively, as LDAP does for the attribute types DNs are made of.
   */
  groups: string[];
  /** HR: first and last working day (YYYY-MM-DD), when the source carries them. */
  hireDate: string | null;
  terminationDate: string | null;
  /** HR: suspended (true), not (false), or not said (absent). */
  suspended?: boolean;
  /** Errors that make the entry unusable: the plan lists it as a conflict (see SourcePerson). */
  errors: string[];
  /** The fields the source carries (SourcePerson.fields); absent: every field. */
  fields?: string[];
  /** Values that could not be used as they are (kept for the plan's reason). */
  problems: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not), else null with a problem. */
function isoDate(
  value: string | null | undefined,
  label: string,
  problems: string[],
): string | null {
  if (value == null || value.trim() === '') return null;
  const trimmed = value.trim();
  const parsed = new Date(`${trimmed}T00:00:00Z`);
  if (
    ISO_DATE.test(trimmed) &&
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().startsWith(trimmed)
  )
    return trimmed;
  problems.push(`${label} ${JSON.stringify(trimmed)} is not a date`);
  return null;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Trimmed, NFC, without control characters, cut to `max`; null when empty. */
function text(value: string | null | undefined, max: number): string | null {
  if (value == null) return null;
  const clean = value.normalize('NFC').replace(CONTROL, ' ').trim().slice(0, max).trim();
  return clean === '' ? null : clean;
}

/**
 * Applies the app_user column rules to a source entry, so that staging never fails on one bad
 * value: names fall back to the display name or the login, an invalid phone or email is
 * dropped (and reported), usernames are lower-cased.
 */
export function normalizePerson(person: SourcePerson): StagedRecord {
  const problems: string[] = [];
  let username = text(person.username, 64)?.toLowerCase() ?? null;
  if (username && !USERNAME.test(username)) {
    problems.push(`username ${JSON.stringify(username)} is not a valid login`);
    username = null;
  }
  let email = text(person.email, 320)?.toLowerCase() ?? null;
  if (email && !EMAIL.test(email)) {
    problems.push(`email ${JSON.stringify(email)} is not valid`);
    email = null;
  }
  let phone: string | null = null;
  const rawPhone = text(person.phone, 40);
  if (rawPhone) {
    const parsed = parsePhoneNumberFromString(rawPhone, 'RU');
    if (parsed?.isValid()) phone = parsed.number;
    else problems.push(`phone ${JSON.stringify(rawPhone)} is not valid`);
  }
  const displayName = text(person.displayName, 400);
  const familyName =
    text(person.familyName, 200) ?? text(displayName, 200) ?? username ?? person.externalId;
  const givenName = text(person.givenName, 200) ?? '-';
  return {
    externalId: person.externalId,
    locator: text(person.locator, 2000) ?? person.externalId,
    username,
    familyName: familyName.slice(0, 200),
    givenName,
    middleName: text(person.middleName, 200),
    displayName: displayName ?? `${givenName === '-' ? '' : `${givenName} `}${familyName}`,
    email,
    phone,
    title: text(person.title, 300),
    department: text(person.department, 200),
    employeeId: text(person.employeeId, 100),
    disabled: person.disabled,
    groups: [...new Set(person.groups.map((dn) => dn.normalize('NFC').trim().toLowerCase()))],
    hireDate: isoDate(person.hireDate, 'hire date', problems),
    terminationDate: isoDate(person.terminationDate, 'termination date', problems),
    ...(typeof person.suspended === 'boolean' ? { suspended: person.suspended } : {}),
    errors: (person.errors ?? []).map((error) => text(error, 1_000) ?? 'invalid entry'),
    ...(person.fields ? { fields: [...person.fields] } : {}),
    problems,
  };
}
