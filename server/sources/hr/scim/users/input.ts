import { z } from 'zod';
import { normalizePerson } from '../../../normalize.ts';
import { scimBad } from '../errors.ts';
import { clean, scimString } from '../text.ts';
import { ENTERPRISE_SCHEMA, HR_SCHEMA } from '../urns.ts';

/** SCIM booleans; Entra sends "True" / "False" strings in PATCH values. */
export const scimBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i, 'must be true or false')
    .transform((value) => value.toLowerCase() === 'true'),
]);

/** A stored text attribute: no control characters, no unpaired surrogates (400 otherwise). */
const text = (max: number) => scimString(max).nullable().optional();
/** An attribute accepted and not stored (length only). */
const ignored = (max: number) => z.string().max(max).nullable().optional();
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'is not a calendar date')
  .nullable()
  .optional();
const multiValued = z
  .array(
    z.looseObject({
      value: text(400),
      type: text(50),
      primary: scimBoolean.optional(),
    }),
  )
  .max(20)
  .nullable()
  .optional();

/** A SCIM User as clients send it (POST, PUT, and the result of applying a PATCH). */
export const userInput = z.looseObject({
  userName: clean(z.string().trim().min(1, 'is required').max(320)),
  externalId: text(400),
  name: z
    .looseObject({
      familyName: text(200),
      givenName: text(200),
      middleName: text(200),
      formatted: ignored(700),
    })
    .nullable()
    .optional(),
  displayName: text(400),
  title: text(300),
  active: scimBoolean.optional(),
  emails: multiValued,
  phoneNumbers: multiValued,
  [ENTERPRISE_SCHEMA]: z
    .looseObject({
      employeeNumber: z
        .union([scimString(100), z.number().transform(String)])
        .nullable()
        .optional(),
      department: text(200),
      organization: text(200),
      // Accepted for Entra and Okta, not stored (we keep no manager link).
      manager: z
        .union([z.looseObject({ value: ignored(400), displayName: ignored(400) }), z.string()])
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  [HR_SCHEMA]: z
    .looseObject({
      hireDate: calendarDate,
      terminationDate: calendarDate,
      suspended: z.boolean().nullable().optional(),
    })
    .nullable()
    .optional(),
});
export type UserInput = z.infer<typeof userInput>;

/** What a SCIM User writes on app_user (null clears; every field is set by a replace). */
export interface UserFields {
  /** SCIM's userName as sent (trimmed): answered back so, compared case-insensitively. */
  userName: string;
  /** Our login, derived from userName (loginOf). */
  username: string;
  familyName: string;
  givenName: string;
  middleName: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  department: string | null;
  employeeNumber: string | null;
  externalId: string | null;
  /** Absent: the status is left alone. */
  active: boolean | undefined;
  /** The HR extension's `suspended`; absent (or null): the suspension is left alone. */
  suspended: boolean | undefined;
  hireDate: string | null;
  terminationDate: string | null;
}

type Multi = NonNullable<UserInput['emails']>;

function pickValue(values: Multi | null | undefined, types: string[]): string | null {
  const list = (values ?? []).filter((item) => item.value);
  const chosen =
    list.find((item) => item.primary === true) ??
    types.map((type) => list.find((item) => item.type?.toLowerCase() === type)).find(Boolean) ??
    list[0];
  return chosen?.value ?? null;
}

/**
 * Our login from SCIM's userName: lower-cased; an email-like userName (Entra's UPN, Okta's
 * login) keeps its local part, and becomes the email when no email is sent.
 */
function loginOf(userName: string): string {
  const lower = userName.trim().toLowerCase();
  return lower.includes('@') ? (lower.split('@')[0] ?? '') : lower;
}

/**
 * Validates a SCIM User and applies our column rules (normalize.ts: trimming, E.164 phones,
 * lower-cased emails, name fallbacks). A value our rules cannot use is a 400 invalidValue,
 * never silently dropped.
 */
export function userFields(body: unknown): UserFields {
  const input = userInput.parse(body);
  const enterprise = input[ENTERPRISE_SCHEMA] ?? {};
  const hr = input[HR_SCHEMA] ?? {};
  const username = loginOf(input.userName);
  const typedEmail = pickValue(input.emails, ['work']);
  const email = typedEmail ?? (input.userName.includes('@') ? input.userName.trim() : null);
  const staged = normalizePerson({
    externalId: input.externalId ?? input.userName,
    locator: input.userName,
    username,
    familyName: input.name?.familyName ?? null,
    givenName: input.name?.givenName ?? null,
    middleName: input.name?.middleName ?? null,
    displayName: input.displayName ?? null,
    email,
    phone: pickValue(input.phoneNumbers, ['work', 'mobile']),
    title: input.title ?? null,
    department: enterprise.department ?? enterprise.organization ?? null,
    employeeId: enterprise.employeeNumber ?? null,
    disabled: false,
    groups: [],
  });
  if (staged.problems.length > 0) throw scimBad('invalidValue', staged.problems.join('; '));
  if (!staged.username) throw scimBad('invalidValue', 'userName is not a valid login');
  return {
    userName: input.userName,
    username: staged.username,
    familyName: staged.familyName,
    givenName: staged.givenName,
    middleName: staged.middleName,
    displayName: staged.displayName,
    email: staged.email,
    phone: staged.phone,
    title: staged.title,
    department: staged.department,
    employeeNumber: staged.employeeId,
    externalId: input.externalId?.trim() || null,
    active: input.active,
    suspended: hr.suspended ?? undefined,
    hireDate: hr.hireDate ?? null,
    terminationDate: hr.terminationDate ?? null,
  };
}
