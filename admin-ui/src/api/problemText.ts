/**
 * Turns the server's error codes into text in the console's language: problems
 * (`errors.<code>`), a field's problem (`field_errors.<code>`), an import's rejected row
 * (`row_errors.<code>`) and a failed sync run (`run_errors.<code>`), each filled with the params
 * the server sent. The server's English `detail` is never shown in place of a translation.
 */

/** The translate function of react-admin's i18n provider (hook or provider alike). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Something carrying a code and its params: a problem, a field error, a row error. */
export interface Coded {
  code?: string | null;
  params?: Record<string, unknown> | null;
}

/**
 * Params as polyglot fills them: lists joined, a field name as a word, and `smart_count` (the
 * first number) so a message can choose its plural form.
 */
export function messageArgs(
  translate: Translate,
  params: Record<string, unknown> | null | undefined,
) {
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (Array.isArray(value))
      args[name] = value
        .map((item) => (name === 'fields' ? fieldName(translate, String(item)) : String(item)))
        .join(', ');
    else if (name === 'field' && typeof value === 'string')
      args[name] = fieldName(translate, value);
    else args[name] = value;
    if (args.smart_count === undefined && typeof value === 'number') args.smart_count = value;
  }
  return args;
}

/** A field's name as a word (`username` → «Логин»); the raw name when none is known. */
function fieldName(translate: Translate, field: string): string {
  return translate(`error_fields.${field}`, { _: field });
}

function translated(translate: Translate, prefix: string, coded: Coded): string | null {
  if (!coded.code) return null;
  const key = `${prefix}.${coded.code}`;
  const text = translate(key, { ...messageArgs(translate, coded.params), _: '' });
  // A placeholder left unfilled (a param the answer lacks) is not shown: the fallback is.
  return text === '' || text === key || text.includes('%{') ? null : text;
}

/** A problem's message in the console's language (never the English `detail`). */
export function problemMessage(translate: Translate, problem: Coded & { status?: number }): string {
  return (
    translated(translate, 'errors', problem) ??
    translate('error_fallback', { code: problem.code ?? `HTTP ${problem.status ?? ''}`.trim() })
  );
}

/** A field error's message; the problem's own field code first, the problem's code after. */
export function fieldMessage(translate: Translate, error: Coded): string {
  return (
    translated(translate, 'field_errors', error) ??
    translate('field_errors.invalid', { _: 'invalid' })
  );
}

/** An import row error's message (rows stored before codes keep their English text). */
export function rowErrorMessage(translate: Translate, error: Coded & { message: string }): string {
  return translated(translate, 'row_errors', error) ?? error.message;
}

/** Why a run's plan is held back, in the console's language (`safetyCode` + `safetyParams`). */
export function safetyMessage(
  translate: Translate,
  run: {
    safety: string | null;
    safetyCode?: string | null;
    safetyParams?: Record<string, unknown>;
  },
): string {
  if (!run.safety && !run.safetyCode) return '';
  return (
    translated(translate, 'safety_reasons', { code: run.safetyCode, params: run.safetyParams }) ??
    run.safety ??
    ''
  );
}

/** A sync run's error in the console's language (`errorCode` + `errorParams` of the run). */
export function runErrorMessage(
  translate: Translate,
  run: { error: string | null; errorCode?: string | null; errorParams?: Record<string, unknown> },
): string | null {
  if (!run.error && !run.errorCode) return null;
  return (
    translated(translate, 'run_errors', { code: run.errorCode, params: run.errorParams }) ??
    run.error
  );
}
