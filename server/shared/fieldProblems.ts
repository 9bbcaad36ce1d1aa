import type { z } from 'zod';
import { type FieldCode, isFieldCode } from './errorCodes.ts';
import type { FieldProblem } from './errors.ts';

type Issue = z.core.$ZodIssue;

/** Numbers only: a bigint bound (never used by our schemas) is reported as a string. */
const bound = (value: number | bigint) => (typeof value === 'bigint' ? String(value) : value);

const FORMAT_CODES: Partial<Record<string, FieldCode>> = {
  email: 'invalid_email',
  uuid: 'invalid_uuid',
  guid: 'invalid_uuid',
  datetime: 'invalid_date',
  date: 'invalid_date',
};

/** The registered code and params of one zod issue: by issue kind, never by its English text. */
function codeOf(issue: Issue): { code: FieldCode; params: Record<string, unknown> } {
  switch (issue.code) {
    case 'invalid_type':
      // zod 4 reports a missing key as "expected X, received undefined".
      if (issue.message.endsWith('received undefined')) return { code: 'required', params: {} };
      return { code: 'invalid_type', params: { expected: issue.expected } };
    case 'too_small': {
      const minimum = bound(issue.minimum);
      if (issue.origin === 'string')
        return minimum === 1
          ? { code: 'required', params: {} }
          : { code: 'too_short', params: { minimum } };
      if (issue.origin === 'array' || issue.origin === 'set')
        return { code: 'too_few_items', params: { minimum } };
      return { code: 'too_small', params: { minimum } };
    }
    case 'too_big': {
      const maximum = bound(issue.maximum);
      if (issue.origin === 'string') return { code: 'too_long', params: { maximum } };
      if (issue.origin === 'array' || issue.origin === 'set')
        return { code: 'too_many_items', params: { maximum } };
      return { code: 'too_big', params: { maximum } };
    }
    case 'invalid_format':
      return {
        code: FORMAT_CODES[issue.format] ?? 'invalid_format',
        params: { format: issue.format },
      };
    case 'invalid_value':
      return { code: 'invalid_value', params: { values: issue.values.map(String) } };
    case 'custom': {
      // Our own refinements name their code in `params.code` (shared/schemas.ts), beside the
      // values its message is filled with.
      const { code: named, ...params } = issue.params ?? {};
      return isFieldCode(named) ? { code: named, params } : { code: 'invalid', params: {} };
    }
    default:
      return { code: 'invalid', params: {} };
  }
}

/** One field problem per zod issue (one per unknown key), each with its code and params. */
export function fieldProblemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        path: [...issue.path, key].map(String).join('.'),
        message: `unknown field "${key}"`,
        code: 'unknown_field',
        params: {},
      }));
    return [{ path: issue.path.map(String).join('.'), message: issue.message, ...codeOf(issue) }];
  });
}

/**
 * The field a unique index guards, by the index's name (db/migrations): a duplicate answers
 * `already_exists` pointing at that field, so the console says whether the login or the e-mail
 * is taken. Indexes no request field maps to (internal ids) are left out: no pointer then.
 */
const UNIQUE_FIELDS: Record<string, string> = {
  app_user_username_uq: 'username',
  app_user_email_uq: 'email',
  app_user_core_account_uq: 'coreAccount',
  app_user_scim_user_name_uq: 'userName',
  app_user_external_uq: 'externalId',
  organization_sibling_name_uq: 'name',
  space_name_uq: 'name',
  space_source_external_uq: 'externalId',
};

/** The request field a unique-violation error refers to (from PostgreSQL's `constraint`). */
export function uniqueFieldOf(error: unknown): string | null {
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === 'string' ? (UNIQUE_FIELDS[constraint] ?? null) : null;
}

/** A field's dotted path as an RFC 6901 JSON pointer in a URI fragment (`#/profile/phone`). */
export function pointerOf(path: string): string {
  if (path === '') return '#';
  const tokens = path.split('.').map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'));
  return `#/${tokens.map(encodeURIComponent).join('/')}`;
}
