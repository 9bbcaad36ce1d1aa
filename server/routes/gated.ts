import type { GateOutcome } from '../commands/configChanges/schemas.ts';
import type { AppContext } from './types.ts';

/** The note every gated route adds to its OpenAPI description. */
export const GATED_DESCRIPTION =
  'Under dual control (issue 18): with more than one active superadmin the change does not take effect; the answer is 202 with the pending configuration change (`GET /config-changes/:id`), which another superadmin approves or rejects.';

/**
 * Answers a gated command (docs/api.md "Configuration changes"): the command's own view with the
 * route's success status when applied, or 202 with the pending request. Returns undefined after
 * writing the 202 itself, as defineRoute expects of a handler that sets its own status.
 */
export function answerGated<T>(ctx: AppContext, outcome: GateOutcome<T>): T | undefined {
  if (outcome.kind === 'applied') return outcome.value;
  ctx.status = 202;
  ctx.body = outcome.request;
  return undefined;
}
