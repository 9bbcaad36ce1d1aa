import type { SyncThresholds } from '../shared/config/directorySync.ts';
import type { SafetyCode } from '../shared/errorCodes.ts';
import type { Queryable } from './reconcile/plan.ts';

/** A safety reason as a registered code with params (the console translates it). */
export interface SafetyReason {
  code: SafetyCode;
  params: Record<string, unknown>;
}

/** What the safety rules say about a plan. */
export interface SafetyVerdict {
  /** Why every deactivation is held back (the read looks partial), or null. */
  blockReason: string | null;
  /** The same as a code with params. */
  block: SafetyReason | null;
  /** Deactivations above which the plan waits for approval. */
  approvalLimit: number;
}

/**
 * The safety rules of a run, decided before anything is applied:
 * - a full read that returned nothing, or fewer than `minShareOfManaged` of the people the source
 *   manages, looks like a broken filter or a partial result: it deactivates nobody;
 * - more deactivations than `min(maxDeactivations, max(1, floor(maxDeactivationShare × managed)))`
 *   wait for an approval. (A failed read never reaches a plan: see runs.ts.)
 */
export function assessSafety(input: {
  full: boolean;
  read: number;
  managed: number;
  thresholds: SyncThresholds;
}): SafetyVerdict {
  const { full, read, managed, thresholds } = input;
  const approvalLimit = Math.min(
    thresholds.maxDeactivations,
    Math.max(1, Math.floor(thresholds.maxDeactivationShare * managed)),
  );
  if (!full || managed === 0) return { blockReason: null, block: null, approvalLimit };
  if (read === 0)
    return {
      blockReason: `the source returned no entries but manages ${managed} people`,
      block: { code: 'safety_empty_read', params: { managed } },
      approvalLimit,
    };
  const floor = Math.ceil(thresholds.minShareOfManaged * managed);
  const share = Math.round(thresholds.minShareOfManaged * 100);
  if (read < floor)
    return {
      blockReason: `the source returned ${read} entries, fewer than ${share}% of the ${managed} people it manages`,
      block: { code: 'safety_partial_read', params: { read, share, managed } },
      approvalLimit,
    };
  return { blockReason: null, block: null, approvalLimit };
}

/** Marks every deactivation of a plan blocked with a reason; returns how many. */
export async function blockDeactivations(
  db: Queryable,
  runId: string,
  reason: string,
): Promise<number> {
  const result = await db.query(
    `update sync_plan_item set blocked = $2
      where run_id = $1 and action = 'deactivate' and blocked is null`,
    [runId, reason],
  );
  return result.rowCount ?? 0;
}

/** Deactivations of a plan that nothing blocks. */
export async function pendingDeactivations(db: Queryable, runId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from sync_plan_item
      where run_id = $1 and action = 'deactivate' and blocked is null`,
    [runId],
  );
  return rows[0]?.n ?? 0;
}
