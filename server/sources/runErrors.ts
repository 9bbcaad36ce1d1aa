import type { RunErrorCode, SafetyCode } from '../shared/errorCodes.ts';

/**
 * Why a run failed or was cancelled: a registered code with its params (kept in the run's
 * `details.runError`, which the console translates) and the English text kept in `error` for
 * the audit reason, logs and older clients.
 */
export interface RunError {
  code: RunErrorCode;
  params: Record<string, unknown>;
  text: string;
}

/** The interruption message: a process died holding the run (recovery, or the next run). */
export const INTERRUPTED_TEXT = 'interrupted (the process running it stopped)';

/** The run errors the engine records, one constructor per code. */
export const runErrors = {
  readFailed: (reason: string): RunError => ({
    code: 'run_read_failed',
    params: { reason },
    text: `read failed: ${reason}`,
  }),
  planFailed: (reason: string): RunError => ({
    code: 'run_plan_failed',
    params: { reason },
    text: `plan failed: ${reason}`,
  }),
  failed: (reason: string): RunError => ({ code: 'run_failed', params: { reason }, text: reason }),
  interrupted: (): RunError => ({ code: 'run_interrupted', params: {}, text: INTERRUPTED_TEXT }),
};

/** The `details.runError` member the SQL stores beside `error` (code and params only). */
export const storedRunError = (error: RunError) =>
  JSON.stringify({ code: error.code, params: error.params });

/**
 * A run's error as the API shows it: the stored code and params, or for runs recorded before
 * codes were stored, `run_failed` with the English text as its reason.
 */
export function presentRunError(
  error: string | null,
  details: Record<string, unknown> | null,
): { errorCode: RunErrorCode | null; errorParams: Record<string, unknown> } {
  const stored = details?.runError as { code?: RunErrorCode; params?: Record<string, unknown> };
  if (stored?.code) return { errorCode: stored.code, errorParams: stored.params ?? {} };
  if (error === null) return { errorCode: null, errorParams: {} };
  return { errorCode: 'run_failed', errorParams: { reason: error } };
}

/** Why a run's plan is held back, as the API shows it (`details.safety`), or nulls. */
export function presentSafety(details: Record<string, unknown> | null): {
  safetyCode: SafetyCode | null;
  safetyParams: Record<string, unknown>;
} {
  const stored = details?.safety as { code?: SafetyCode; params?: Record<string, unknown> } | null;
  if (stored?.code) return { safetyCode: stored.code, safetyParams: stored.params ?? {} };
  return { safetyCode: null, safetyParams: {} };
}
