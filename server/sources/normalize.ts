import { createHash } from 'node:crypto';
import type { PlanNote } from '../shared/errorCodes.ts';
import { phoneE164 } from '../shared/phone.ts';
import {
  codePointLength,
  cutText,
  UNSAFE_TEXT_MESSAGES,
  type UnsafeReason,
  unsafeCharacterIn,
  wellFormed,
} from '../shared/text.ts';
import { planNote } from './reconcile/notes.ts';
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
  /** `errors` as registered codes with params (the plan item's notes). */
  errorNotes: PlanNote[];
  /** `problems` as registered codes with params (the plan item's notes). */
  problemNotes: PlanNote[];
}

/** What is wrong with an entry, in English (the reason) and as notes, side by side. */
interface Findings {
  errors: string[];
  errorNotes: PlanNote[];
  problems: string[];
  problemNotes: PlanNote[];
}

const problem = (findings: Findings, text: string, note: PlanNote) => {
  findings.problems.push(text);
  findings.problemNotes.push(note);
};
const error = (findings: Findings, text: string, note: PlanNote) => {
  findings.errors.push(text);
  findings.errorNotes.push(note);
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not), else null with a problem. */
function isoDate(
  value: string | null | undefined,
  attribute: 'hireDate' | 'terminationDate',
  findings: Findings,
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
  const label = attribute === 'hireDate' ? 'hire date' : 'termination date';
  problem(
    findings,
    `${label} ${quote(trimmed)} is not a date`,
    planNote('invalid_date', { attribute, value: quote(trimmed) }),
  );
  return null;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

// Column limits of app_user (in characters) that values from a source are held to.
const EMAIL_MAX = 320;
const PHONE_MAX = 40;
const EMPLOYEE_ID_MAX = 100;
// An external id is a key of two B-tree indexes (sync_staging, app_user): PostgreSQL refuses
// index entries over 2,704 bytes, and a UTF-8 code unit takes at most 3 bytes.
const EXTERNAL_ID_MAX = 512;
// How much of an unusable value a reason quotes: a 10,000-character value is not repeated.
const QUOTE_MAX = 100;

/** 10000 as "10,000" (Intl.NumberFormat costs microseconds a call; this is a plain regex). */
const grouped = { format: (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',') };

/** A value as a reason quotes it: JSON-escaped (controls, lone surrogates) and shortened. */
function quote(value: string): string {
  const cut = cutText(value, QUOTE_MAX);
  return `${JSON.stringify(cut)}${cut.length < value.length ? '…' : ''}`;
}

/** Where a cut is reported: the attribute (its label in English) and the entry's findings. */
interface CutReport {
  label: string;
  attribute: string;
  findings: Findings;
}

/** Where `text` reports a cut of this attribute of this entry. */
function cutReport(findings: Findings, label: string, attribute: string): CutReport {
  return { label, attribute, findings };
}

/**
 * Display text: trimmed, NFC, unpaired surrogates as U+FFFD, control characters as spaces, cut
 * on a grapheme boundary to `max` (reported when `report` is given); null when empty.
 */
function text(value: string | null | undefined, max: number, report?: CutReport): string | null {
  if (value == null) return null;
  // A value far over the limit is shortened before the passes over every character (NFC, the
  // control and surrogate scans): a 10,000-character title costs as much as a 300-character one.
  // NFC shrinks text at most fourfold (a base and three marks into one), so what is kept here
  // still holds more than `max` once normalized and the cut below decides as it would have.
  const start = value.trimStart();
  const bound = max * 4 + 16;
  const raw = start.length > bound ? start.slice(0, bound) : start;
  const clean = wellFormed(raw.normalize('NFC')).replace(CONTROL, ' ').trim();
  const cut = cutText(clean, max).trim();
  if (report && (raw !== start || cut.length < clean.length)) {
    const from = codePointLength(raw === start ? clean : start.trimEnd());
    const to = codePointLength(cut);
    problem(
      report.findings,
      `${report.label} cut from ${grouped.format(from)} to ${grouped.format(to)} characters`,
      planNote('value_cut', { attribute: report.attribute, from, to }),
    );
  }
  return cut === '' ? null : cut;
}

/**
 * An identifier (login, email, phone, employee number): trimmed and NFC, but never cut nor
 * repaired, since a changed identifier may name somebody else. Null when empty; the caller
 * refuses it when it is too long or `unsafeCharacterIn` finds something.
 */
function identifier(value: string | null | undefined): string | null {
  if (value == null) return null;
  const clean = value.normalize('NFC').trim();
  return clean === '' ? null : clean;
}

/** Why an identifier cannot be used as it is (in English, and as a note), or null. */
function unusable(
  value: string,
  max: number,
  attribute: string,
): { text: string; note: PlanNote } | null {
  const unsafe = unsafeCharacterIn(value);
  if (unsafe === 'control_character')
    return {
      text: UNSAFE_TEXT_MESSAGES[unsafe],
      note: planNote('value_control_character', { attribute, value: quote(value) }),
    };
  if (unsafe === 'lone_surrogate')
    return {
      text: UNSAFE_TEXT_MESSAGES[unsafe],
      note: planNote('value_lone_surrogate', { attribute, value: quote(value) }),
    };
  if (value.length > max) {
    const length = codePointLength(value);
    return {
      text: `is longer than ${grouped.format(max)} characters (${grouped.format(length)})`,
      note: planNote('value_too_long', { attribute, value: quote(value), max, length }),
    };
  }
  return null;
}

/**
 * The external id the entry is staged under. An id that could not be stored (controls, lone
 * surrogates, too long for an index) is replaced by a printable stand-in, unique per id, and
 * reported as an error: the entry becomes a conflict instead of failing the run.
 */
function stagingId(externalId: string, findings: Findings): string {
  const why = unusable(externalId, EXTERNAL_ID_MAX, 'externalId');
  if (!why) return externalId;
  error(
    findings,
    `external id ${quote(externalId)} ${why.text}; the entry cannot be synced`,
    why.note,
  );
  const digest = createHash('sha256').update(externalId, 'utf16le').digest('hex').slice(0, 16);
  return `${JSON.stringify(cutText(externalId, QUOTE_MAX)).slice(1, -1)}…#${digest}`;
}

/**
 * Applies the app_user column rules to a source entry, so that staging never fails on one bad
 * value (issue 13): display text is repaired and cut (each cut reported), an invalid phone or
 * email is dropped (and reported), usernames are lower-cased, and an entry whose external id or
 * employee number cannot be used as it is carries an error, which makes it a conflict of its own.
 */
export function normalizePerson(person: SourcePerson): StagedRecord {
  const findings: Findings = {
    errors: (person.errors ?? []).map((message) => text(message, 1_000) ?? 'invalid entry'),
    errorNotes: [...(person.errorNotes ?? [])],
    problems: [],
    problemNotes: [],
  };
  const { errors, problems } = findings;
  const externalId = stagingId(person.externalId, findings);
  let username = identifier(person.username)?.toLowerCase() ?? null;
  if (username && !USERNAME.test(username)) {
    problem(
      findings,
      `username ${quote(username)} is not a valid login`,
      planNote('invalid_login', { value: quote(username) }),
    );
    username = null;
  }
  let email = identifier(person.email)?.toLowerCase() ?? null;
  if (email && (!EMAIL.test(email) || unusable(email, EMAIL_MAX, 'email'))) {
    problem(
      findings,
      `email ${quote(email)} is not valid`,
      planNote('invalid_email', { value: quote(email) }),
    );
    email = null;
  }
  let phone: string | null = null;
  // Controls in a phone number are harmless separators; a number is never cut, though.
  const rawPhone = text(person.phone, Number.POSITIVE_INFINITY);
  if (rawPhone) {
    phone = unusable(rawPhone, PHONE_MAX, 'phone') ? null : phoneE164(rawPhone);
    if (phone === null)
      problem(
        findings,
        `phone ${quote(rawPhone)} is not valid`,
        planNote('invalid_phone', { value: quote(rawPhone) }),
      );
  }
  let employeeId = identifier(person.employeeId);
  const employeeIdWhy = employeeId && unusable(employeeId, EMPLOYEE_ID_MAX, 'employeeId');
  if (employeeId && employeeIdWhy) {
    error(
      findings,
      `employee number ${quote(employeeId)} ${employeeIdWhy.text}`,
      employeeIdWhy.note,
    );
    employeeId = null;
  }
  const displayName = text(
    person.displayName,
    400,
    cutReport(findings, 'display name', 'displayName'),
  );
  const familyName = cutText(
    text(person.familyName, 200, cutReport(findings, 'family name', 'familyName')) ??
      text(displayName, 200) ??
      username ??
      externalId,
    200,
  );
  const givenName =
    text(person.givenName, 200, cutReport(findings, 'given name', 'givenName')) ?? '-';
  const groups = new Set<string>();
  let unusableGroups = 0;
  for (const dn of person.groups) {
    const clean = dn.normalize('NFC').trim().toLowerCase();
    // A DN with a NUL or a lone surrogate cannot be staged, nor match any mapping.
    if (unsafeCharacterIn(clean)) unusableGroups += 1;
    else groups.add(clean);
  }
  if (unusableGroups > 0)
    problem(
      findings,
      `${unusableGroups} group name(s) with control characters or unpaired surrogates ignored`,
      planNote('groups_ignored', { smart_count: unusableGroups }),
    );
  return stageable({
    externalId,
    locator: text(person.locator, 2000) ?? externalId,
    username,
    familyName,
    givenName,
    middleName: text(person.middleName, 200, cutReport(findings, 'middle name', 'middleName')),
    // Given name, space and family name can reach 401 characters: cut to the column's 400.
    displayName:
      displayName ?? cutText(`${givenName === '-' ? '' : `${givenName} `}${familyName}`, 400),
    email,
    phone,
    title: text(person.title, 300, cutReport(findings, 'title', 'title')),
    department: text(person.department, 200, cutReport(findings, 'department', 'department')),
    employeeId,
    disabled: person.disabled,
    groups: [...groups],
    hireDate: isoDate(person.hireDate, 'hireDate', findings),
    terminationDate: isoDate(person.terminationDate, 'terminationDate', findings),
    ...(typeof person.suspended === 'boolean' ? { suspended: person.suspended } : {}),
    errors,
    ...(person.fields ? { fields: [...person.fields] } : {}),
    problems,
    errorNotes: findings.errorNotes,
    problemNotes: findings.problemNotes,
  });
}

// What could make a string unstageable: a control character or any surrogate (a native scan
// that passes almost every string; the few it stops get the exact check).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const SUSPECT = /[\u0000-\u001f\ud800-\udfff]/;

/** Why `value` could not be staged, or null. */
function unstageable(value: unknown): UnsafeReason | null {
  return typeof value === 'string' && SUSPECT.test(value) ? unsafeCharacterIn(value) : null;
}

/** The first string of a record (a value, or an item of a list) jsonb would refuse, and why. */
function firstUnsafe(record: StagedRecord): { text: string; note: PlanNote } | null {
  const fields = record as unknown as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    let unsafe: UnsafeReason | null = null;
    if (Array.isArray(value))
      for (const item of value) {
        unsafe = unstageable(item);
        if (unsafe) break;
      }
    else unsafe = unstageable(value);
    if (unsafe)
      return {
        text: `${key} ${UNSAFE_TEXT_MESSAGES[unsafe]}; the entry cannot be synced`,
        note: planNote('value_unstageable', { attribute: key }),
      };
  }
  return null;
}

/** `value` without anything jsonb or a text column refuses: controls as spaces, U+FFFD. */
const repaired = (value: string) => wellFormed(value).replace(CONTROL, ' ');

/**
 * The last check before staging: the rules above should leave no control character or lone
 * surrogate in any string, but a rule missed here would fail the whole page's insert (and every
 * later run of the source). So a record that still holds one is repaired and becomes a conflict
 * naming the attribute, instead. Cheap: a scan of a few short strings per entry.
 */
function stageable(record: StagedRecord): StagedRecord {
  const why = firstUnsafe(record);
  if (!why) return record;
  const fixed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    fixed[key] =
      key === 'errorNotes' || key === 'problemNotes'
        ? value
        : typeof value === 'string'
          ? repaired(value)
          : Array.isArray(value)
            ? value.map((item) => repaired(String(item)))
            : value;
  const result = fixed as unknown as StagedRecord;
  return {
    ...result,
    errors: [...result.errors, why.text],
    errorNotes: [...result.errorNotes, why.note],
  };
}
