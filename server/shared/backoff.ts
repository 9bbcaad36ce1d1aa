/**
 * The wait before attempt `attempts + 1` of a queued delivery: exponential from `baseMs`, capped
 * at `maxMs`, with jitter (50–100 % of the step) so that many items failing together do not
 * retry in lockstep. One formula for every queue (outbox, mail, SMS).
 */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step * (0.5 + Math.random() * 0.5));
}
